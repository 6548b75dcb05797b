import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMissingAttributes } from '../src/checks';
import { categorize } from '../src/semconv';
import { dbQuery, grpcSpan, httpClient, httpServer, kafka, traceOf, type SpanSpec } from './fixtures';

const messagesFor = (spec: SpanSpec): string[] => checkMissingAttributes(traceOf([spec])).map((f) => f.message);
const dropTag = (spec: SpanSpec, key: string): SpanSpec => {
  const tags = { ...spec.tags };
  delete tags[key];
  return { ...spec, tags };
};

test('well-formed HTTP, database and Kafka spans need nothing more', () => {
  for (const spec of [
    httpServer('a', undefined, 'gateway', 'POST', '/api/orders'),
    httpClient('b', 'a', 'gateway', 'POST', 'http://127.0.0.1:8081/orders'),
    dbQuery('c', 'a', 'orders'),
    kafka('d', 'a', 'orders', 'send', 'orders.placed'),
    kafka('e', 'd', 'fulfillment', 'process', 'orders.placed'),
  ])
    assert.deepEqual(messagesFor(spec), [], spec.name);
});

test("gRPC client and server spans carry rpc.system, rpc.service, rpc.method and rpc.grpc.status_code, a failed call's too", () => {
  for (const spec of [
    grpcSpan('a', undefined, 'orders', 'client', 'Charge'),
    grpcSpan('b', 'a', 'payments', 'server', 'Charge'),
    grpcSpan('c', undefined, 'orders', 'client', 'Charge', 4),
  ]) {
    assert.deepEqual(messagesFor(spec), [], spec.name);
  }
  assert.equal(categorize(traceOf([grpcSpan('b', undefined, 'payments', 'server', 'Charge')]).spans[0]!), 'rpc-server');
  assert.deepEqual(messagesFor(dropTag(grpcSpan('b', undefined, 'payments', 'server', 'Charge'), 'rpc.grpc.status_code')), [
    'rpc-server span "grpc.hoptrace.payments.v1.Payments/Charge" lacks rpc.grpc.status_code',
  ]);
  // Named like a gRPC call but with no RPC attribute at all: every one is reported, none mistaken for HTTP.
  const bare: SpanSpec = {
    id: 'd',
    service: 'orders',
    name: 'grpc.hoptrace.payments.v1.Payments/Charge',
    kind: 'client',
  };
  assert.deepEqual(
    messagesFor(bare).map((m) => m.replace(/.*lacks /, '')),
    ['rpc.system', 'rpc.service', 'rpc.method', 'rpc.grpc.status_code'],
  );
  assert.deepEqual(
    messagesFor({
      ...grpcSpan('e', undefined, 'orders', 'client', 'Charge'),
      tags: { ...grpcSpan('e', undefined, 'orders', 'client', 'Charge').tags, 'rpc.system': 'connect_rpc' },
    }),
    ['rpc-client span "grpc.hoptrace.payments.v1.Payments/Charge" has rpc.system=connect_rpc, expected grpc'],
  );
});

test('the older HTTP and database attribute names are accepted', () => {
  const browserFetch: SpanSpec = {
    id: 'a',
    service: 'storefront',
    name: 'HTTP POST',
    kind: 'client',
    tags: { 'http.method': 'POST', 'http.status_code': 201, 'http.url': 'http://localhost:8080/api/orders' },
  };
  const oldServer: SpanSpec = {
    id: 'b',
    service: 'gateway',
    name: 'POST',
    kind: 'server',
    tags: { 'http.method': 'POST', 'http.status_code': 201, 'http.target': '/api/orders' },
  };
  const oldDb: SpanSpec = {
    id: 'c',
    service: 'orders',
    name: 'pg.query',
    kind: 'client',
    tags: { 'db.system': 'postgresql', 'db.name': 'orders' },
  };
  for (const spec of [browserFetch, oldServer, oldDb]) assert.deepEqual(messagesFor(spec), [], spec.name);
});

test('an HTTP server span without a status code or path is reported, naming both spellings', () => {
  const spec = dropTag(
    dropTag(dropTag(httpServer('a', undefined, 'orders', 'POST', '/orders'), 'http.response.status_code'), 'url.path'),
    'http.route',
  );
  assert.deepEqual(messagesFor(spec), [
    'http-server span "POST /orders" lacks http.response.status_code or http.status_code',
    'http-server span "POST /orders" lacks url.path or http.target or http.route',
  ]);
});

test('an HTTP client span needs a status code unless the call failed', () => {
  const noStatus = dropTag(httpClient('a', 'x', 'gateway', 'GET', 'http://127.0.0.1:8081/orders/1'), 'http.response.status_code');
  assert.equal(messagesFor(noStatus).length, 1);
  assert.deepEqual(messagesFor({ ...noStatus, tags: { ...noStatus.tags, 'otel.status_code': 'ERROR' } }), []);
});

test('an HTTP client span without server.address or url.full is reported', () => {
  const spec = dropTag(dropTag(httpClient('a', 'x', 'gateway', 'GET', 'u'), 'server.address'), 'url.full');
  assert.match(messagesFor(spec).join(), /lacks server\.address or url\.full/);
});

test('a Kafka span without the message key is reported: hoptrace keys messages by order id', () => {
  const spec = dropTag(kafka('a', undefined, 'fulfillment', 'send', 'orders.shipped'), 'messaging.kafka.message.key');
  assert.deepEqual(messagesFor(spec), [
    'messaging span "send orders.shipped" lacks messaging.kafka.message.key or messaging.kafka.message_key',
  ]);
});

test('a span named like a Kafka operation is checked even without messaging attributes', () => {
  const messages = messagesFor({ id: 'a', service: 'orders', name: 'process orders.notified', kind: 'consumer' });
  assert.equal(messages.length, 3);
  assert.match(messages[0] ?? '', /lacks messaging\.system/);
});

test('a messaging system other than kafka is reported', () => {
  const spec = kafka('a', undefined, 'orders', 'send', 'orders.placed');
  assert.deepEqual(messagesFor({ ...spec, tags: { ...spec.tags, 'messaging.system': 'rabbitmq' } }), [
    'messaging span "send orders.placed" has messaging.system=rabbitmq, expected kafka',
  ]);
});

test('a batch poll span needs no message key', () => {
  const poll: SpanSpec = {
    id: 'a',
    service: 'fulfillment',
    name: 'poll orders.placed',
    kind: 'consumer',
    tags: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders.placed' },
  };
  assert.deepEqual(messagesFor(poll), []);
});

test('a database span without its namespace is reported', () => {
  assert.deepEqual(messagesFor(dropTag(dbQuery('a', 'x', 'orders'), 'db.namespace')), [
    'database span "pg.query:INSERT orders" lacks db.namespace or db.name',
  ]);
});

test('koa layers and manual domain spans are held to no convention', () => {
  const layer = traceOf([{ id: 'a', service: 'orders', name: 'router - /orders', kind: 'internal', tags: { 'http.route': '/orders' } }])
    .spans[0];
  assert.ok(layer);
  assert.equal(categorize(layer), undefined);
});
