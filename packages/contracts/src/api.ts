import { z } from 'zod';

/** Public API bodies (gateway) and the internal ones behind them. */

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

export const CreateOrderRequest = z.object({
  email: z.email('an email address').max(254),
  items: z.array(OrderItemInput).min(1, 'at least one item').max(20, 'at most 20 lines'),
  payment: PaymentInput,
}).strict();
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

// fault injection (gateway admin API)
export const SERVICE_NAMES = ['gateway', 'orders', 'inventory', 'payments', 'fulfillment', 'notifications'] as const;
export const FAULT_KINDS = ['error', 'latency', 'hang', 'poison', 'crash'] as const;

export const FaultRuleInput = z.object({
  service: z.enum(SERVICE_NAMES),
  kind: z.enum(FAULT_KINDS),
  /** latency: milliseconds to wait. */
  param: z.number().int().min(0).max(600_000).optional(),
  /** Share of requests it applies to, decided per request at the gateway. */
  rate: z.number().min(0).max(1).default(1),
  /** Only where the target service's path (or Kafka topic) starts with this. */
  route: z.string().min(1).max(200).optional(),
}).strict();
export type FaultRuleInput = z.infer<typeof FaultRuleInput>;
export const FaultRule = FaultRuleInput.extend({ id: z.string() });
export type FaultRule = z.infer<typeof FaultRule>;
export const FaultRulesInput = z.object({ rules: z.array(FaultRuleInput).max(50) }).strict();
export const FaultRules = z.object({ rules: z.array(FaultRule) });
export type FaultRules = z.infer<typeof FaultRules>;

// the browser-span relay (POST /otlp/v1/traces): the only service name browser spans may claim
export const STOREFRONT_SERVICE_NAME = 'storefront';

/**
 * The W3C Trace Context test-service endpoint (POST /__w3c/test, when the harness is on): call
 * each `url` in order, POSTing its `arguments` as JSON, from inside the request's trace context.
 */
export const W3cTestCall = z.object({ url: z.string().max(2048), arguments: z.unknown() });
export const W3cTestRequest = z.array(W3cTestCall).max(32);
export type W3cTestRequest = z.infer<typeof W3cTestRequest>;
