import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeAdminFailure,
  formatRule,
  mapRuleFieldErrors,
  toRuleInputs,
  validateRuleForm,
  type RuleForm,
} from '../src/lib/fault-rules';

const form: RuleForm = { service: 'payments', kind: 'latency', param: '300', rate: '1', route: '' };

test('a latency rule with its delay is valid and sent with numbers', () => {
  assert.deepEqual(validateRuleForm(form), { ok: true, rule: { service: 'payments', kind: 'latency', param: 300, rate: 1 } });
});

test('latency needs a whole number of milliseconds from 0 to 600000', () => {
  for (const param of ['', ' ', '-1', '1.5', 'abc', '600001']) {
    const result = validateRuleForm({ ...form, param });
    assert.ok(!result.ok && result.errors.param, `param ${JSON.stringify(param)}`);
  }
  for (const param of ['0', '600000', ' 42 ']) assert.ok(validateRuleForm({ ...form, param }).ok, `param ${param}`);
});

test('other kinds take no delay: a typed one is not sent', () => {
  assert.deepEqual(validateRuleForm({ ...form, kind: 'error', param: 'whatever' }), {
    ok: true,
    rule: { service: 'payments', kind: 'error', rate: 1 },
  });
});

test('only the known services and kinds are accepted', () => {
  const result = validateRuleForm({ ...form, service: 'billing', kind: 'explode' });
  assert.ok(!result.ok);
  assert.deepEqual(Object.keys(result.errors).sort(), ['kind', 'service']);
});

test('the rate is 0 to 1 and defaults to 1 when left empty', () => {
  const empty = validateRuleForm({ ...form, rate: ' ' });
  assert.ok(empty.ok && empty.rule.rate === 1);
  for (const rate of ['0', '.5', '0.25', '1']) assert.ok(validateRuleForm({ ...form, rate }).ok, rate);
  for (const rate of ['1.01', '-0.1', '2', 'half', '0x1', '1e-1']) {
    const result = validateRuleForm({ ...form, rate });
    assert.ok(!result.ok && result.errors.rate, rate);
  }
});

test('a route prefix is trimmed, optional and at most 200 characters', () => {
  const routed = validateRuleForm({ ...form, route: ' /charges ' });
  assert.ok(routed.ok && routed.rule.route === '/charges');
  const none = validateRuleForm({ ...form, route: '  ' });
  assert.ok(none.ok && !('route' in none.rule));
  const long = validateRuleForm({ ...form, route: `/${'a'.repeat(200)}` });
  assert.ok(!long.ok && long.errors.route);
});

test('a rule reads as service, kind, share of requests and route', () => {
  assert.equal(formatRule({ service: 'payments', kind: 'latency', param: 300, rate: 1 }), 'payments: latency 300 ms · 100% of requests');
  assert.equal(
    formatRule({ service: 'orders', kind: 'error', rate: 0.125, route: '/orders' }),
    'orders: error · 12.5% of requests · only /orders',
  );
});

test('rules are sent back without their ids', () => {
  assert.deepEqual(toRuleInputs([{ id: 'a1', service: 'inventory', kind: 'hang', rate: 0.5, route: '/reservations' }]), [
    { service: 'inventory', kind: 'hang', rate: 0.5, route: '/reservations' },
  ]);
});

test('server field errors of the added rule mark its inputs; others go to the summary', () => {
  const mapped = mapRuleFieldErrors(
    {
      'rules.2.param': 'Too big: expected number to be <=600000',
      'rules.2.rate': 'at most 1',
      'rules.0.kind': 'Invalid option',
      rules: 'at most 50 items',
    },
    2,
  );
  assert.deepEqual(mapped.inputs, { param: 'Too big: expected number to be <=600000', rate: 'Must be at most 1.' });
  assert.deepEqual(mapped.general, ['rules.0.kind: Invalid option', 'Rules: Must be at most 50 items.']);
});

test('a refused token is named as such', () => {
  assert.match(describeAdminFailure(401, { error: { code: 'unauthorized', message: 'send Authorization' } }), /admin token was refused/);
  assert.match(describeAdminFailure(0, null), /Could not reach/);
  assert.match(describeAdminFailure(500, { error: { code: 'internal', message: 'boom' } }), /HTTP 500\): boom/);
});
