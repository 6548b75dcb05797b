/**
 * The gateway's public API bodies, as the browser sees them. Mirrored from @hoptrace/contracts
 * instead of imported: that package pulls zod and compiles for node, and the storefront only needs
 * the shapes.
 */

export type OrderStatus = 'pending' | 'paid' | 'shipped' | 'completed' | 'failed';
export type OrderEventType = 'placed' | 'paid' | 'shipped' | 'completed' | 'failed';

export interface AppConfig {
  /** null when /api/config could not be loaded: the page still works, just without the Jaeger link. */
  jaegerUiUrl: string | null;
}

export interface Product {
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

export interface OrderItemInput {
  sku: string;
  quantity: number;
}

export interface CreateOrderRequest {
  email: string;
  items: OrderItemInput[];
  payment: { cardNumber: string; expiry: string; cvc: string };
}

export interface CreatedOrder {
  id: string;
  status: OrderStatus;
  traceId: string;
}

export interface OrderView {
  id: string;
  status: OrderStatus;
  items: { sku: string; quantity: number; priceCents: number }[];
  totalCents: number;
  traceId: string;
  events: { type: OrderEventType; at: string }[];
  failureReason?: string;
}

export interface Notification {
  id: string;
  orderId: string;
  channel: 'email';
  to: string;
  subject: string;
  sentAt: string;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
  orderId?: string;
}

/** GET /api/orders/:id/trace: the order's trace as the gateway reads it from Jaeger. */
export type TraceAttributes = Record<string, string | number | boolean>;

export interface TraceSpanEvent {
  name: string;
  /** Microseconds from the start of the trace, like TraceSpan.startOffsetUs. */
  offsetUs: number;
  attributes: TraceAttributes;
}

export interface TraceSpan {
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  kind?: 'server' | 'client' | 'producer' | 'consumer' | 'internal';
  startOffsetUs: number;
  durationUs: number;
  error: boolean;
  attributes: TraceAttributes;
  events: TraceSpanEvent[];
}

export interface OrderTrace {
  traceId: string;
  /** In no particular order. */
  spans: TraceSpan[];
}

/** GET/PUT /api/admin/faults (admin token required). Mirrors FaultRuleInput in @hoptrace/contracts. */
export interface FaultRuleInput {
  service: string;
  kind: string;
  /** latency: milliseconds to wait. */
  param?: number;
  /** Share of requests it applies to, 0..1; the server defaults it to 1. */
  rate?: number;
  /** Only where the target's path (or Kafka topic) starts with this. */
  route?: string;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  rate: number;
}
