import {
  Services,
  Topics,
  type Charge,
  type CreatedOrder,
  type CreateOrderRequest,
  type OrderItemInput,
  type OrderPlaced,
  type PaymentInput,
  type Reservation,
} from '@hoptrace/contracts';
import { AppError, DependencyUnavailable, isAppError } from '@hoptrace/kit';
import { createHash } from 'node:crypto';
import { failureKind, type OrderMetrics } from './metrics';
import type { OutboxMessage } from './store';

export interface PlaceOrderDeps {
  store: {
    createPending(order: { id: string; email: string; emailHash: string; items: OrderItemInput[]; traceId: string }): Promise<void>;
    markPaid(
      orderId: string,
      paid: { reservationId: string; chargeId: string; items: Reservation['items']; totalCents: number },
      outbox: OutboxMessage,
    ): Promise<void>;
    markFailed(orderId: string, reason: string): Promise<boolean>;
  };
  inventory: {
    reserve(orderId: string, items: OrderItemInput[]): Promise<Reservation>;
    release(reservationId: string): Promise<unknown>;
    releaseForOrder?(orderId: string): Promise<unknown>;
  };
  payments: {
    charge(orderId: string, amountCents: number, card: PaymentInput): Promise<Charge>;
    refund(chargeId: string): Promise<unknown>;
    refundForOrder?(orderId: string): Promise<unknown>;
  };
  newId: () => string;
  now: () => Date;
  /** The current trace context as message headers (traceparent, baggage). */
  traceHeaders: () => Record<string, string>;
  /** Called once the OrderPlaced outbox row is committed (the relay sends it at once). */
  outboxWritten?: () => void;
  /** Best-effort compensation and bookkeeping failures are logged, never thrown. */
  warn: (message: string, err: unknown) => void;
  metrics?: Pick<OrderMetrics, 'placed' | 'failed'>;
}

/** What is stored and traced instead of the address itself. */
export const hashEmail = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 16);

function failureReason(step: 'reserve stock' | 'charge payment' | 'record payment', err: unknown): string {
  if (!isAppError(err)) return `${step}: ${(err as Error).message}`;
  if (err.status === 402) return `payment declined: ${err.code}`;
  if (err.status === 409) return `stock unavailable: ${Object.values(err.fields ?? {}).join('; ') || err.message}`;
  if (err.status === 422)
    return `invalid order: ${Object.entries(err.fields ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`;
  return err.message;
}

/** payments names card fields `card.*`; the public API calls them `payment.*`. */
const publicFields = (err: AppError) =>
  err.fields ? Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k.replace(/^card\./, 'payment.'), v])) : undefined;

/**
 * Places an order: a pending row first (a database that is down stops everything before any
 * side effect), then stock reserved and payment captured, then status `paid` and the OrderPlaced
 * outbox row in one transaction. A failure after the row exists marks the order failed with its
 * reason, undoes what was done (release stock, refund) and answers with the order id.
 */
export async function placeOrder(deps: PlaceOrderDeps, input: CreateOrderRequest, traceId: string): Promise<CreatedOrder> {
  const id = deps.newId();
  await deps.store.createPending({ id, email: input.email, emailHash: hashEmail(input.email), items: input.items, traceId });

  const fail = async (step: Parameters<typeof failureReason>[0], err: unknown): Promise<never> => {
    await deps.store.markFailed(id, failureReason(step, err)).catch((e) => deps.warn('could not mark the order failed', e));
    const known = isAppError(err) ? err : new DependencyUnavailable(Services.orders.name, (err as Error).message);
    deps.metrics?.failed(failureKind(known.status));
    throw new AppError(known.status, known.code, known.message, publicFields(known), id);
  };

  let reservation: Reservation;
  try {
    reservation = await deps.inventory.reserve(id, input.items);
  } catch (err) {
    // A reserve that timed out may still have happened on the other side: undo it by order id.
    if (err instanceof DependencyUnavailable)
      await deps.inventory.releaseForOrder?.(id).catch((e) => deps.warn('could not release by order', e));
    return fail('reserve stock', err);
  }

  let charge: Charge;
  try {
    charge = await deps.payments.charge(id, reservation.totalCents, input.payment);
  } catch (err) {
    await deps.inventory.release(reservation.id).catch((e) => deps.warn('could not release the reservation', e));
    if (err instanceof DependencyUnavailable)
      await deps.payments.refundForOrder?.(id).catch((e) => deps.warn('could not refund by order', e));
    return fail('charge payment', err);
  }

  const event: OrderPlaced = {
    type: 'OrderPlaced',
    eventId: deps.newId(),
    schemaVersion: 1,
    orderId: id,
    occurredAt: deps.now().toISOString(),
    reservationId: reservation.id,
    items: reservation.items,
    totalCents: reservation.totalCents,
    customer: { email: input.email },
  };
  try {
    await deps.store.markPaid(
      id,
      { reservationId: reservation.id, chargeId: charge.id, items: reservation.items, totalCents: reservation.totalCents },
      { eventId: event.eventId, topic: Topics.orderPlaced, key: id, payload: event, headers: deps.traceHeaders() },
    );
  } catch (err) {
    await deps.payments.refund(charge.id).catch((e) => deps.warn('could not refund the charge', e));
    await deps.inventory.release(reservation.id).catch((e) => deps.warn('could not release the reservation', e));
    return fail('record payment', isAppError(err) ? err : new DependencyUnavailable('database', (err as Error).message));
  }
  deps.outboxWritten?.();
  deps.metrics?.placed();
  return { id, status: 'paid', traceId };
}
