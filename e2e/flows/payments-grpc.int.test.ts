import { Payments } from '@hoptrace/contracts/payments-v1';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { grpcurl, PAYMENTS_SERVICE } from '../support/grpc';
import { APPROVED_CARD, DECLINED_CARD } from '../support/shop';
import { fetchTrace } from '../support/traces';

/**
 * payments' gRPC API as an outside client sees it: grpcurl, with no .proto file (reflection), the
 * standard health service, and a Charge whose trace continues the caller's traceparent.
 */
const card = (c: typeof APPROVED_CARD) => ({ card_number: c.cardNumber, expiry: c.expiry, cvc: c.cvc });

test("grpcurl lists payments' services by reflection and describes hoptrace.payments.v1.Payments", async () => {
  const list = await grpcurl(['list']);
  assert.equal(list.exit, 0, list.stderr);
  assert.deepEqual(list.stdout.trim().split('\n').sort(), ['grpc.health.v1.Health', PAYMENTS_SERVICE]);
  const methods = await grpcurl(['list', PAYMENTS_SERVICE]);
  assert.deepEqual(methods.stdout.trim().split('\n').sort(), Payments.methods.map((m) => `${PAYMENTS_SERVICE}.${m.name}`).sort());
  const described = await grpcurl(['describe', `${PAYMENTS_SERVICE}.Charge`]);
  assert.match(
    described.stdout,
    /rpc Charge \( \.hoptrace\.payments\.v1\.ChargeRequest \) returns \( \.hoptrace\.payments\.v1\.ChargeResponse \)/,
  );
  assert.match(described.stdout, /idempotency_level = IDEMPOTENT/);
});

test('the standard health check says SERVING, for the server and for hoptrace.payments.v1.Payments', async () => {
  for (const service of ['', PAYMENTS_SERVICE]) {
    const res = await grpcurl(['grpc.health.v1.Health/Check'], { data: { service } });
    assert.equal(res.exit, 0, res.stdout + res.stderr);
    assert.deepEqual(res.json, { status: 'SERVING' });
  }
  const unknown = await grpcurl(['grpc.health.v1.Health/Check'], { data: { service: 'no.such.Service' } });
  assert.equal(unknown.code, 5, 'NOT_FOUND for a service it does not serve');
});

test("a Charge from grpcurl is captured once per idempotency key, declines are FAILED_PRECONDITION with the code, and the call continues the caller's trace", async () => {
  const orderId = randomUUID();
  const traceId = randomBytes(16).toString('hex');
  const parent = randomBytes(8).toString('hex');
  const request = { idempotency_key: orderId, order_id: orderId, amount_cents: 1299, card: card(APPROVED_CARD) };
  const first = await grpcurl([`${PAYMENTS_SERVICE}/Charge`], { data: request, headers: [['traceparent', `00-${traceId}-${parent}-01`]] });
  assert.equal(first.exit, 0, first.stdout + first.stderr);
  const charge = (first.json as { charge: Record<string, string> }).charge;
  assert.deepEqual(
    { ...charge, id: undefined },
    { id: undefined, orderId, amountCents: '1299', status: 'CHARGE_STATUS_CAPTURED', cardLast4: '4242' },
  );
  const again = await grpcurl([`${PAYMENTS_SERVICE}/Charge`], { data: request });
  assert.deepEqual(again.json, { charge, replayed: true }, 'the same key replays the first charge');
  const got = await grpcurl([`${PAYMENTS_SERVICE}/GetCharge`], { data: { charge_id: charge.id } });
  assert.deepEqual(got.json, { charge });

  const declined = await grpcurl([`${PAYMENTS_SERVICE}/Charge`], {
    verbose: true,
    data: { ...request, idempotency_key: randomUUID(), order_id: randomUUID(), card: card(DECLINED_CARD) },
  });
  assert.equal(declined.code, 9, 'FAILED_PRECONDITION');
  assert.match(declined.stdout, /hoptrace-error-code: card_declined/);
  const invalid = await grpcurl([`${PAYMENTS_SERVICE}/Charge`], {
    verbose: true,
    data: { ...request, idempotency_key: randomUUID(), card: { ...card(APPROVED_CARD), card_number: '4242424242424241' } },
  });
  assert.equal(invalid.code, 3, 'INVALID_ARGUMENT');
  assert.match(invalid.stdout, /hoptrace-error-code: validation_failed/);

  // payments' server span is in the caller's trace, a child of the caller's span, with the RPC attributes.
  const deadline = Date.now() + 30_000;
  let span;
  while (!span && Date.now() < deadline) {
    span = (await fetchTrace(traceId))?.spans.find((s) => s.service === 'payments' && s.kind === 'server');
    if (!span) await sleep(500);
  }
  assert.ok(span, `payments' span reached Jaeger in trace ${traceId}`);
  assert.equal(span.parentSpanId, parent);
  assert.equal(span.name, `grpc.${PAYMENTS_SERVICE}/Charge`);
  assert.deepEqual(
    [
      span.attributes['rpc.system'],
      span.attributes['rpc.service'],
      span.attributes['rpc.method'],
      span.attributes['rpc.grpc.status_code'],
      span.attributes['order.id'],
    ],
    ['grpc', PAYMENTS_SERVICE, 'Charge', 0, orderId],
  );
});
