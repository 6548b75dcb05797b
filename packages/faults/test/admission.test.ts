import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { FaultAdmission, FAULT_SIGNATURE } from '../src/admission';
import { activeFault } from '../src/entries';
import { installTelemetry } from './otel-harness';

installTelemetry();
const TOKEN = 'a-test-admin-token-of-some-length';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const OTHER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const admission = new FaultAdmission(TOKEN);

const inTrace = (traceId: string, entries: Record<string, string>) =>
  propagation.setBaggage(
    trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    }),
    propagation.createBaggage(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v }]))),
  );

const signedFor = (traceId: string, entries: Record<string, string>) => {
  const baggage = admission.sign(
    propagation.createBaggage(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v }]))),
    traceId,
  );
  return Object.fromEntries(baggage.getAllEntries().map(([k, e]) => [k, e.value]));
};

test('fault entries signed for the trace by the gateway take effect', () => {
  const ctx = inTrace(TRACE, signedFor(TRACE, { 'hoptrace.fault.payments': 'error' }));
  assert.deepEqual(activeFault(admission, 'payments', '/charges', ctx), {
    service: 'payments',
    kind: 'error',
    scope: 'request',
  });
  assert.equal(admission.admitted(ctx).stripped, 0);
});

test('unsigned fault entries never take effect and are removed from the context', () => {
  const ctx = inTrace(TRACE, { 'hoptrace.fault.payments': 'error', tenant: 'acme' });
  assert.equal(activeFault(admission, 'payments', '/charges', ctx), undefined);
  const { ctx: admitted, stripped } = admission.admitted(ctx);
  assert.equal(stripped, 1);
  assert.deepEqual(
    propagation
      .getBaggage(admitted)!
      .getAllEntries()
      .map(([k]) => k),
    ['tenant'],
    'other baggage travels on',
  );
});

test('a signature does not hold for another trace, another value, an added entry, or another key', () => {
  const signed = signedFor(TRACE, { 'hoptrace.fault.payments': 'latency:10' });
  assert.equal(activeFault(admission, 'payments', undefined, inTrace(OTHER_TRACE, signed)), undefined, 'lifted onto another trace');
  assert.equal(
    activeFault(admission, 'payments', undefined, inTrace(TRACE, { ...signed, 'hoptrace.fault.payments': 'hang' })),
    undefined,
    'value changed',
  );
  assert.equal(
    activeFault(admission, 'orders', undefined, inTrace(TRACE, { ...signed, 'hoptrace.fault.orders': 'crash' })),
    undefined,
    'entry added',
  );
  assert.equal(
    activeFault(new FaultAdmission('another-token-of-16-chars'), 'payments', undefined, inTrace(TRACE, signed)),
    undefined,
    'other key',
  );
  assert.equal(
    activeFault(admission, 'payments', undefined, inTrace(TRACE, { ...signed, [FAULT_SIGNATURE]: 'x'.repeat(43) })),
    undefined,
    'forged signature',
  );
});

test('without a trace there is nothing a signature could hold for', () => {
  const baggage = propagation.createBaggage(
    Object.fromEntries(Object.entries(signedFor(TRACE, { 'hoptrace.fault.payments': 'error' })).map(([k, v]) => [k, { value: v }])),
  );
  const ctx = propagation.setBaggage(ROOT_CONTEXT, baggage);
  assert.equal(activeFault(admission, 'payments', undefined, ctx), undefined);
  assert.equal(admission.admitted(ctx).stripped, 2);
});

test('the admin token is not what travels: the signature is derived from it, never equal to or containing it', () => {
  const value = signedFor(TRACE, { 'hoptrace.fault.payments': 'error' })[FAULT_SIGNATURE]!;
  assert.ok(!value.includes(TOKEN));
  assert.match(value, /^[A-Za-z0-9_-]{43}$/);
});

test('the default context is the active one', () => {
  const ctx = inTrace(TRACE, signedFor(TRACE, { 'hoptrace.fault.inventory': 'hang' }));
  context.with(ctx, () => assert.equal(activeFault(admission, 'inventory')?.kind, 'hang'));
});
