import type { JaegerReference, JaegerTrace, JaegerValue } from '../src/jaeger';
import { fromJaeger, type Trace } from '../src/model';

/** Hand-made Jaeger answers, shaped like what the native stack's Jaeger returned on 2026-11-26. */

export interface SpanSpec {
  id: string;
  parent?: string;
  service: string;
  name: string;
  kind?: 'server' | 'client' | 'producer' | 'consumer' | 'internal';
  tags?: Record<string, JaegerValue>;
  events?: { name: string; attributes?: Record<string, JaegerValue> }[];
  /** Replaces the CHILD_OF reference built from `parent`. */
  references?: JaegerReference[];
}

export function jaegerTrace(traceId: string, specs: SpanSpec[]): JaegerTrace {
  const services = [...new Set(specs.map((s) => s.service))];
  const processId = (service: string): string => `p${services.indexOf(service) + 1}`;
  return {
    traceID: traceId,
    processes: Object.fromEntries(services.map((s) => [processId(s), { serviceName: s, tags: [] }])),
    spans: specs.map((spec, i) => ({
      traceID: traceId,
      spanID: spec.id,
      operationName: spec.name,
      references: spec.references ?? (spec.parent ? [{ refType: 'CHILD_OF' as const, traceID: traceId, spanID: spec.parent }] : []),
      startTime: 1_795_698_000_000_000 + i * 1_000,
      duration: 500,
      tags: Object.entries({ 'span.kind': spec.kind ?? 'internal', ...spec.tags }).map(([key, value]) => ({
        key,
        type: typeof value === 'string' ? 'string' : 'int64',
        value,
      })),
      logs: (spec.events ?? []).map((e, j) => ({
        timestamp: 1_795_698_000_000_000 + i * 1_000 + j,
        fields: Object.entries({ event: e.name, ...e.attributes }).map(([key, value]) => ({
          key,
          type: 'string',
          value,
        })),
      })),
      processID: processId(spec.service),
    })),
  };
}

export const ORDER_ID = '5250e8b9-c989-49e3-bdfe-b00a44ce28ad';

export const httpServer = (id: string, parent: string | undefined, service: string, method: string, route: string): SpanSpec => ({
  id,
  parent,
  service,
  name: `${method} ${route}`,
  kind: 'server',
  tags: { 'http.request.method': method, 'http.response.status_code': 201, 'http.route': route, 'url.path': route },
});

export const httpClient = (id: string, parent: string, service: string, method: string, url: string): SpanSpec => ({
  id,
  parent,
  service,
  name: method,
  kind: 'client',
  tags: {
    'http.request.method': method,
    'http.response.status_code': 201,
    'server.address': '127.0.0.1',
    'url.full': url,
  },
});

/** A gRPC span as instrumentation-grpc 0.300 makes it (status 0: answered). */
export const grpcSpan = (
  id: string,
  parent: string | undefined,
  service: string,
  kind: 'client' | 'server',
  method: string,
  status = 0,
): SpanSpec => ({
  id,
  parent,
  service,
  name: `grpc.hoptrace.payments.v1.Payments/${method}`,
  kind,
  tags: {
    'rpc.system': 'grpc',
    'rpc.service': 'hoptrace.payments.v1.Payments',
    'rpc.method': method,
    'rpc.grpc.status_code': status,
  },
});

export const withTags = (spec: SpanSpec, tags: Record<string, JaegerValue>): SpanSpec => ({
  ...spec,
  tags: { ...spec.tags, ...tags },
});

export const dbQuery = (id: string, parent: string, service: string): SpanSpec => ({
  id,
  parent,
  service,
  name: `pg.query:INSERT ${service}`,
  kind: 'client',
  tags: { 'db.system.name': 'postgresql', 'db.namespace': service, 'db.query.text': 'INSERT INTO t (a) VALUES ($1)' },
});

export const kafka = (
  id: string,
  parent: string | undefined,
  service: string,
  op: 'send' | 'process',
  topic: string,
  orderId = ORDER_ID,
): SpanSpec => ({
  id,
  parent,
  service,
  name: `${op} ${topic}`,
  kind: op === 'send' ? 'producer' : 'consumer',
  tags: {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.kafka.message.key': orderId,
    'messaging.operation.type': op,
    ...(op === 'process' ? { 'order.id': orderId } : {}),
  },
});

/** A whole order, browser-less, as hoptrace should trace it: one trace from the gateway to orders.notified. */
export function completeOrderSpans(orderId = ORDER_ID): SpanSpec[] {
  return [
    httpServer('a1', undefined, 'gateway', 'POST', '/api/orders'),
    httpClient('a2', 'a1', 'gateway', 'POST', 'http://127.0.0.1:8081/orders'),
    httpServer('b1', 'a2', 'orders', 'POST', '/orders'),
    {
      id: 'b2',
      parent: 'b1',
      service: 'orders',
      name: 'router - /orders',
      tags: { 'order.id': orderId, 'user.hash': 'b5fc85e55755f9e0' },
    },
    dbQuery('b3', 'b2', 'orders'),
    httpClient('b4', 'b2', 'orders', 'POST', 'http://127.0.0.1:8082/reservations'),
    httpServer('c1', 'b4', 'inventory', 'POST', '/reservations'),
    grpcSpan('b5', 'b2', 'orders', 'client', 'Charge'),
    withTags(grpcSpan('d1', 'b5', 'payments', 'server', 'Charge'), { 'order.id': orderId }),
    kafka('b6', 'b2', 'orders', 'send', 'orders.placed', orderId),
    kafka('e1', 'b6', 'fulfillment', 'process', 'orders.placed', orderId),
    kafka('e2', 'e1', 'fulfillment', 'send', 'orders.shipped', orderId),
    kafka('f1', 'e2', 'notifications', 'process', 'orders.shipped', orderId),
    kafka('b7', 'e2', 'orders', 'process', 'orders.shipped', orderId),
    kafka('f2', 'f1', 'notifications', 'send', 'orders.notified', orderId),
    kafka('b8', 'f2', 'orders', 'process', 'orders.notified', orderId),
  ];
}

export const TRACE_ID = 'ab8c27daadf31dc8c0ad878d8de677c1';
export const OTHER_TRACE_ID = '7b7b70fac8edf48af8a80e962be04c37';

export const traceOf = (specs: SpanSpec[], traceId = TRACE_ID): Trace => fromJaeger(jaegerTrace(traceId, specs));
