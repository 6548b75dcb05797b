import { z } from 'zod';

/** Public API bodies (gateway) and the internal ones behind them. */

/** An id in UUID form (8-4-4-4-12 hex digits, any version): order, reservation, charge and event ids. */
export const Uuid = z.guid();
export const isUuid = (value: unknown): value is string => Uuid.safeParse(value).success;
/** The same shape, to find ids inside a text (the personal-data scan blanks them). */
export const UUID_IN_TEXT = new RegExp(`\\b${z.regexes.guid.source.slice(2, -2)}\\b`, 'g');

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'a catalogue SKU such as MUG-01');

export const Product = z.object({
  sku: Sku,
  name: z.string(),
  priceCents: z.number().int().nonnegative(),
  stock: z.number().int().nonnegative(),
});
export type Product = z.infer<typeof Product>;

export const OrderItemInput = z.object({
  sku: Sku,
  quantity: z.number().int().min(1, 'at least 1').max(99, 'at most 99'),
});
export type OrderItemInput = z.infer<typeof OrderItemInput>;

export const PaymentInput = z.object({
  cardNumber: z.string().regex(/^\d{12,19}$/, '12 to 19 digits, no spaces'),
  expiry: z.string().regex(/^(0[1-9]|1[0-2])\/\d{2}$/, 'MM/YY'),
  cvc: z.string().regex(/^\d{3,4}$/, '3 or 4 digits'),
});
export type PaymentInput = z.infer<typeof PaymentInput>;

export const CreateOrderRequest = z
  .object({
    email: z.email('an email address').max(254),
    items: z.array(OrderItemInput).min(1, 'at least one item').max(20, 'at most 20 lines'),
    payment: PaymentInput,
  })
  .strict();
export type CreateOrderRequest = z.infer<typeof CreateOrderRequest>;

export const OrderStatus = z.enum(['pending', 'paid', 'shipped', 'completed', 'failed']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderEventType = z.enum(['placed', 'paid', 'shipped', 'completed', 'failed']);
export type OrderEventType = z.infer<typeof OrderEventType>;

export const OrderItem = z.object({ sku: Sku, quantity: z.number().int(), priceCents: z.number().int() });
export type OrderItem = z.infer<typeof OrderItem>;

export const CreatedOrder = z.object({ id: z.uuid(), status: OrderStatus, traceId: z.string() });
export type CreatedOrder = z.infer<typeof CreatedOrder>;

export const OrderView = z.object({
  id: z.uuid(),
  status: OrderStatus,
  items: z.array(OrderItem),
  totalCents: z.number().int(),
  traceId: z.string(),
  events: z.array(z.object({ type: OrderEventType, at: z.string() })),
  failureReason: z.string().optional(),
});
export type OrderView = z.infer<typeof OrderView>;

export const Notification = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  channel: z.literal('email'),
  to: z.string(),
  subject: z.string(),
  sentAt: z.string(),
});
export type Notification = z.infer<typeof Notification>;

/** Every error response: `{ error: { code, message, fields? } }`, plus `orderId` once an order row exists. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
  orderId: z.uuid().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// inventory's internal API
export const ReserveRequest = z.object({ orderId: z.uuid(), items: z.array(OrderItemInput).min(1) });
export type ReserveRequest = z.infer<typeof ReserveRequest>;
export const Reservation = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  status: z.enum(['reserved', 'committed', 'released']),
  items: z.array(OrderItem),
  totalCents: z.number().int(),
});
export type Reservation = z.infer<typeof Reservation>;

// payments' internal API
export const ChargeRequest = z.object({
  orderId: z.uuid(),
  amountCents: z.number().int().positive(),
  card: PaymentInput,
});
export type ChargeRequest = z.infer<typeof ChargeRequest>;
export const Charge = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  amountCents: z.number().int(),
  status: z.enum(['captured', 'refunded']),
  cardLast4: z.string(),
});
export type Charge = z.infer<typeof Charge>;

// the browser-span relay (POST /otlp/v1/traces): the only service name browser spans may claim
export const STOREFRONT_SERVICE_NAME = 'storefront';

/**
 * The W3C Trace Context test-service endpoint (POST /__w3c/test, when the harness is on): call
 * each `url` in order, POSTing its `arguments` as JSON, from inside the request's trace context.
 */
export const W3cTestCall = z.object({ url: z.string().max(2048), arguments: z.unknown() });
export const W3cTestRequest = z.array(W3cTestCall).max(32);
export type W3cTestRequest = z.infer<typeof W3cTestRequest>;

/** GET /api/config: what the storefront needs to know of its surroundings. */
export const AppConfig = z.object({ jaegerUiUrl: z.string() });
export type AppConfig = z.infer<typeof AppConfig>;

/** GET /api/orders/:id/trace: the order's trace as the gateway reads it from Jaeger, for the storefront's waterfall. */
export const TraceAttributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type TraceAttributes = z.infer<typeof TraceAttributes>;
export const TraceEventView = z.object({
  name: z.string(),
  /** Microseconds from the start of the trace, like TraceSpanView.startOffsetUs. */
  offsetUs: z.number(),
  attributes: TraceAttributes,
});
export type TraceEventView = z.infer<typeof TraceEventView>;
export const TraceSpanView = z.object({
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  service: z.string(),
  name: z.string(),
  kind: z.enum(['server', 'client', 'producer', 'consumer', 'internal']).optional(),
  startOffsetUs: z.number(),
  durationUs: z.number(),
  error: z.boolean(),
  attributes: TraceAttributes,
  events: z.array(TraceEventView),
});
export type TraceSpanView = z.infer<typeof TraceSpanView>;
export const OrderTrace = z.object({
  traceId: z.string(),
  /** In no particular order. */
  spans: z.array(TraceSpanView),
});
export type OrderTrace = z.infer<typeof OrderTrace>;
