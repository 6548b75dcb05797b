import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { OrderPlaced, type Charge, type CreateOrderRequest, type OrderItemInput, type Reservation } from '@hoptrace/contracts';
import { AppError, Conflict, DependencyUnavailable, PaymentDeclined, ValidationFailed } from '@hoptrace/kit';
import { hashEmail, placeOrder, type PlaceOrderDeps } from '../src/place-order';
import type { OutboxMessage } from '../src/store';

const input: CreateOrderRequest = {
  email: 'Ada@Example.com',
  items: [{ sku: 'MUG-01', quantity: 2 }],
  payment: { cardNumber: '4242424242424242', expiry: '12/30', cvc: '123' },
};
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const HEADERS = { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`, baggage: 'shop=hoptrace' };

type Failure = { createPending?: Error; reserve?: Error; charge?: Error; markPaid?: Error };

/** In-memory store, inventory and payments that record every call, failing where told. */
function fakes(fail: Failure = {}) {
  const calls: string[] = [];
  const state = {
    pending: [] as { id: string; email: string; emailHash: string; items: OrderItemInput[]; traceId: string }[],
    paid: [] as { orderId: string; outbox: OutboxMessage; chargeId: string; reservationId: string }[],
    failed: [] as { orderId: string; reason: string }[],
    released: [] as string[],
    refunded: [] as string[],
    warnings: [] as string[],
  };
  let reservation: Reservation | undefined;
  let charge: Charge | undefined;
  const deps: PlaceOrderDeps = {
    store: {
      async createPending(order) {
        calls.push('createPending');
        if (fail.createPending) throw fail.createPending;
        state.pending.push(order);
      },
      async markPaid(orderId, paid, outbox) {
        calls.push('markPaid');
        if (fail.markPaid) throw fail.markPaid;
        state.paid.push({ orderId, outbox, chargeId: paid.chargeId, reservationId: paid.reservationId });
      },
      async markFailed(orderId, reason) {
        calls.push('markFailed');
        state.failed.push({ orderId, reason });
        return true;
      },
    },
    inventory: {
      async reserve(orderId, items) {
        calls.push('reserve');
        if (fail.reserve) throw fail.reserve;
        reservation = {
          id: randomUUID(),
          orderId,
          status: 'reserved',
          items: items.map((i) => ({ ...i, priceCents: 1200 })),
          totalCents: 2400,
        };
        return reservation;
      },
      async release(id) {
        calls.push('release');
        state.released.push(id);
      },
    },
    payments: {
      async charge(orderId, amountCents) {
        calls.push('charge');
        if (fail.charge) throw fail.charge;
        charge = { id: randomUUID(), orderId, amountCents, status: 'captured', cardLast4: '4242' };
        return charge;
      },
      async refund(id) {
        calls.push('refund');
        state.refunded.push(id);
      },
    },
    newId: randomUUID,
    now: () => new Date('2026-01-15T12:00:00.000Z'),
    traceHeaders: () => ({ ...HEADERS }),
    warn: (message) => {
      state.warnings.push(message);
    },
    outboxWritten: () => {
      calls.push('outboxWritten');
    },
  };
  return { deps, calls, state, reservation: () => reservation!, charge: () => charge! };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return err;
  }
  assert.fail('placeOrder did not throw');
}

test('a placed order is paid and writes an OrderPlaced outbox message keyed by the order id', async () => {
  const f = fakes();
  const created = await placeOrder(f.deps, input, TRACE_ID);
  assert.deepEqual(created, { id: f.state.pending[0]!.id, status: 'paid', traceId: TRACE_ID });
  assert.deepEqual(
    f.calls,
    ['createPending', 'reserve', 'charge', 'markPaid', 'outboxWritten'],
    'the relay is told once the row is committed',
  );
  assert.equal(f.state.paid.length, 1);
  const { outbox, chargeId, reservationId } = f.state.paid[0]!;
  assert.equal(chargeId, f.charge().id);
  assert.equal(reservationId, f.reservation().id);
  assert.equal(outbox.topic, 'orders.placed');
  assert.equal(outbox.key, created.id);
  assert.deepEqual(outbox.headers, HEADERS);
  const event = OrderPlaced.parse(outbox.payload);
  assert.equal(event.eventId, outbox.eventId);
  assert.equal(event.orderId, created.id);
  assert.equal(event.reservationId, f.reservation().id);
  assert.equal(event.totalCents, 2400);
  assert.equal(event.occurredAt, '2026-01-15T12:00:00.000Z');
  assert.equal(event.customer.email, input.email);
});

test('the pending row stores the email hash and the trace id, and payments is charged the reserved total', async () => {
  const f = fakes();
  await placeOrder(f.deps, input, TRACE_ID);
  const pending = f.state.pending[0]!;
  assert.equal(pending.emailHash, hashEmail(input.email));
  assert.equal(pending.traceId, TRACE_ID);
  assert.equal(f.charge().amountCents, f.reservation().totalCents);
  assert.equal(f.charge().orderId, pending.id);
});

test('a database that is down at createPending stops the order before inventory or payments are called', async () => {
  const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' });
  const f = fakes({ createPending: down });
  await assert.rejects(placeOrder(f.deps, input, TRACE_ID), (err) => err === down);
  assert.deepEqual(f.calls, ['createPending']);
});

test('a declined payment releases the stock, marks the order failed and answers 402 with the order id', async () => {
  const f = fakes({ charge: new PaymentDeclined('card_declined', 'the card was declined') });
  const err = await rejection(placeOrder(f.deps, input, TRACE_ID));
  const id = f.state.pending[0]!.id;
  assert.equal(err.status, 402);
  assert.equal(err.code, 'card_declined');
  assert.equal(err.orderId, id);
  assert.deepEqual(f.state.released, [f.reservation().id]);
  assert.equal(f.state.failed.length, 1);
  assert.equal(f.state.failed[0]!.orderId, id);
  assert.match(f.state.failed[0]!.reason, /^payment declined/);
  assert.ok(!f.calls.includes('markPaid'));
  assert.ok(!f.calls.includes('refund'));
});

test('too little stock answers 409 with the order id and never calls payments', async () => {
  const f = fakes({
    reserve: new Conflict('insufficient_stock', 'not enough stock', { 'items.0.quantity': 'only 5 of POSTER-LTD in stock' }),
  });
  const err = await rejection(placeOrder(f.deps, input, TRACE_ID));
  assert.equal(err.status, 409);
  assert.equal(err.code, 'insufficient_stock');
  assert.equal(err.orderId, f.state.pending[0]!.id);
  assert.deepEqual(err.fields, { 'items.0.quantity': 'only 5 of POSTER-LTD in stock' });
  assert.deepEqual(f.calls, ['createPending', 'reserve', 'markFailed']);
  assert.equal(f.state.failed[0]!.reason, 'stock unavailable: only 5 of POSTER-LTD in stock');
});

test('payments being unavailable releases the stock and answers 503 with the order id', async () => {
  const f = fakes({ charge: new DependencyUnavailable('payments', 'no answer within 2000 ms') });
  const err = await rejection(placeOrder(f.deps, input, TRACE_ID));
  assert.equal(err.status, 503);
  assert.equal(err.code, 'dependency_unavailable');
  assert.equal(err.orderId, f.state.pending[0]!.id);
  assert.deepEqual(f.state.released, [f.reservation().id]);
  assert.equal(f.state.failed.length, 1);
  assert.ok(!f.calls.includes('markPaid'));
});

test('a failure to record the payment refunds the charge, releases the stock and answers 503 with the order id', async () => {
  const f = fakes({ markPaid: Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' }) });
  const err = await rejection(placeOrder(f.deps, input, TRACE_ID));
  assert.equal(err.status, 503);
  assert.equal(err.code, 'dependency_unavailable');
  assert.equal(err.orderId, f.state.pending[0]!.id);
  assert.deepEqual(f.state.refunded, [f.charge().id]);
  assert.deepEqual(f.state.released, [f.reservation().id]);
  assert.deepEqual(f.calls, ['createPending', 'reserve', 'charge', 'markPaid', 'refund', 'release', 'markFailed']);
});

test('a failing compensation is only warned about and the original error still answers', async () => {
  const f = fakes({ charge: new PaymentDeclined('insufficient_funds', 'the card has insufficient funds') });
  f.deps.inventory.release = async () => {
    throw new Error('inventory is down');
  };
  f.deps.store.markFailed = async () => {
    throw new Error('database is down');
  };
  const err = await rejection(placeOrder(f.deps, input, TRACE_ID));
  assert.equal(err.status, 402);
  assert.equal(err.code, 'insufficient_funds');
  assert.deepEqual(f.state.warnings, ['could not release the reservation', 'could not mark the order failed']);
});

test("payments' card.cardNumber field is renamed payment.cardNumber in the answer", async () => {
  const f = fakes({ charge: new ValidationFailed({ 'card.cardNumber': 'not a valid card number' }) });
  const err = await rejection(placeOrder(f.deps, input, TRACE_ID));
  assert.equal(err.status, 422);
  assert.equal(err.orderId, f.state.pending[0]!.id);
  assert.deepEqual(err.fields, { 'payment.cardNumber': 'not a valid card number' });
});

test('hashEmail is stable and ignores case and surrounding spaces', () => {
  assert.equal(hashEmail('ada@example.com'), hashEmail('ada@example.com'));
  assert.equal(hashEmail('  Ada@Example.COM '), hashEmail('ada@example.com'));
  assert.notEqual(hashEmail('ada@example.com'), hashEmail('bob@example.com'));
  assert.match(hashEmail('ada@example.com'), /^[0-9a-f]{16}$/);
});

test('hashEmail does not contain the address', () => {
  const hash = hashEmail('ada@example.com');
  assert.ok(!hash.includes('@'), hash);
  assert.ok(!hash.includes('example'), hash);
  assert.ok(!hash.includes('ada@'), hash);
});
