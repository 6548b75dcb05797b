import { FAULT_KINDS, SERVICE_NAMES, Services, Topics, type CreatedOrder, type ServiceName } from '@hoptrace/contracts';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { notificationCount, orderIdsOfTrace, outboxHeadersOf, readTopic, shipmentCount } from '../support/data';
import { GATEWAY_EXTRA_PATHS, HTTP_METHODS, isUntraced, routesOf } from '../support/routes';
import { api, APPROVED_CARD, clientParentEmail, orderRequest, uniqueEmail, waitForOrder } from '../support/shop';
import { grpcurl, PAYMENTS_SERVICE, SERVER_FAILURES } from '../support/grpc';
import { Payments } from '@hoptrace/contracts/payments-v1';
import { rawRequest, strangerAddress } from '../support/raw-http';
import { hostPort, kafka, stackStatus } from '../support/stack';
import { fetchTrace, injectedFaults } from '../support/traces';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * No stranger's `hoptrace.fault.*` baggage takes effect anywhere: every route of every service
 * (read from the apps themselves), every method, every fault kind, through the gateway and
 * straight at each service port, and on Kafka messages produced straight to the topics. A fault
 * that acted would show as a 5xx, a delay (latency:3000, hang), a restarted process (crash), a
 * malformed message downstream (poison), or a `fault.injected` event in the trace.
 */
const KINDS = FAULT_KINDS.map((k) => (k === 'latency' ? 'latency:3000' : k));
const FORGED_SIG = `hoptrace.fault.sig=${randomBytes(32).toString('base64url')}`;
const forged = (kind: string, services: readonly string[] = SERVICE_NAMES) =>
  [...services.map((s) => `hoptrace.fault.${s}=${kind}`), FORGED_SIG].join(',');
const SLOW_MS = 2500;

interface Sent {
  what: string;
  traceId: string;
  traced: boolean;
}

/** One request as a stranger: no token, from a loopback address of its own (never rate limited). */
async function send(
  service: ServiceName,
  method: string,
  path: string,
  baggage: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<Sent & { status: number; ms: number }> {
  const traceId = randomBytes(16).toString('hex');
  const what = `${method} ${service}${path} [${baggage.split(',')[0]}]`;
  const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
  try {
    const res = await rawRequest({
      host: addressOf(service),
      port: portOf(service),
      method,
      path,
      localAddress: strangerAddress(),
      timeoutMs: 8000,
      headers: [
        ['traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`],
        ['baggage', baggage],
        ...(withBody ? [['content-type', 'application/json'] as [string, string]] : []),
        ...Object.entries(extra),
      ],
      body: withBody ? JSON.stringify(body) : undefined,
    });
    return { what, traceId, traced: !isUntraced(path), status: res.status, ms: res.ms };
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}: a hang took effect`);
  }
}

const addressOf = (service: ServiceName) => hostPort(service, Services[service].port).split(':')[0]!;
const portOf = (service: ServiceName) => Number(hostPort(service, Services[service].port).split(':')[1]);

const pids = async () => new Map((await stackStatus()).map((s) => [s.name, s.pid]));

/** Every traced request's trace reaches Jaeger, and none holds a `fault.injected` event. */
async function assertNoFaultInTraces(sent: Sent[]): Promise<void> {
  const pending = new Map(sent.filter((s) => s.traced).map((s) => [s.traceId, s]));
  const deadline = Date.now() + 90_000;
  while (pending.size && Date.now() < deadline) {
    for (const [id, s] of [...pending]) {
      const trace = await fetchTrace(id);
      if (!trace) continue;
      assert.deepEqual(
        injectedFaults(trace).map((f) => `${f.target}:${f.kind}`),
        [],
        `${s.what}: fault.injected in trace ${id}`,
      );
      for (const span of trace.spans)
        assert.ok(!JSON.stringify(span.attributes).includes('hoptrace.fault.sig'), `${s.what}: the signature shows on span ${span.name}`);
      pending.delete(id);
    }
    if (pending.size) await sleep(1000);
  }
  assert.equal(
    pending.size,
    0,
    `traces never reached Jaeger: ${[...pending.values()]
      .slice(0, 5)
      .map((s) => s.what)
      .join('; ')}`,
  );
}

test("every gateway route and path, every method, every fault kind: a stranger's fault baggage has no effect and never travels on", async () => {
  const before = await pids();
  const order = orderRequest({ email: clientParentEmail('walk') });
  const paths = [...new Set([...routesOf('gateway', randomUUID()).map((r) => r.path), ...GATEWAY_EXTRA_PATHS(randomUUID())])];
  const sent: Sent[] = [];
  const placed: string[] = [];
  for (const kind of KINDS) {
    for (const path of paths) {
      for (const method of HTTP_METHODS) {
        // From a stranger's address of its own: the walk is under the per-client limit by design.
        const res = await send('gateway', method, path, forged(kind), path === '/__w3c/test' ? [] : order);
        assert.ok(res.status < 500, `${res.what}: answered ${res.status}`);
        assert.ok(res.ms < SLOW_MS, `${res.what}: took ${Math.round(res.ms)} ms`);
        assert.notEqual(res.status, 429, `${res.what}: rate limited; the walk must stay under the limit`);
        sent.push(res);
        if (method === 'POST' && path === '/api/orders') {
          assert.equal(res.status, 201, `${res.what}: the order is placed`);
          const mine = await orderIdsOfTrace(res.traceId);
          placed.push(...mine);
        }
      }
    }
  }
  console.log(
    `# gateway walk: ${sent.length} requests over ${paths.length} paths x ${HTTP_METHODS.length} methods x ${KINDS.length} kinds`,
  );
  assert.equal(placed.length, KINDS.length, 'one order per fault kind');
  for (const id of placed) {
    const done = await waitForOrder(id, ['completed', 'failed'], 60_000);
    assert.equal(done.status, 'completed', `order ${id}: ${done.failureReason}`);
    // What orders stored for the relay is what travels on over Kafka: no fault entry in it.
    const headers = await outboxHeadersOf(id);
    assert.ok(headers, `outbox row of ${id}`);
    assert.ok(!(headers.baggage ?? '').includes('hoptrace.fault'), `outbox headers of ${id}: ${headers.baggage}`);
  }
  await assertNoFaultInTraces(sent);
  assert.deepEqual(await pids(), before, 'no process restarted');
});

const BODIES: Record<string, unknown> = {
  '/orders': orderRequest({ email: clientParentEmail('direct') }),
  '/reservations': { orderId: randomUUID(), items: [{ sku: 'MUG-01', quantity: 1 }] },
};

test('straight at each service port: forged fault entries, with or without a forged signature, have no effect', async () => {
  const before = await pids();
  const sent: Sent[] = [];
  for (const service of SERVICE_NAMES.filter((s) => s !== 'gateway')) {
    const routes = [...routesOf(service, randomUUID()), { path: '/nope', methods: ['GET', 'POST'] }];
    for (const kind of KINDS) {
      for (const { path, methods } of routes) {
        for (const method of methods.filter((m) => m !== 'HEAD')) {
          for (const baggage of [forged(kind, [service]), forged(kind, [service]).replace(`,${FORGED_SIG}`, '')]) {
            const body = BODIES[path.replace(/\/[0-9a-f-]{36}.*$/, '')] ?? {};
            const res = await send(
              service,
              method,
              path.includes('?') ? path : path === '/notifications' ? `${path}?orderId=${randomUUID()}` : path,
              baggage,
              body,
              { 'idempotency-key': randomUUID() },
            );
            assert.ok(res.status < 500, `${res.what}: answered ${res.status}`);
            assert.ok(res.ms < SLOW_MS, `${res.what}: took ${Math.round(res.ms)} ms`);
            sent.push(res);
          }
        }
      }
    }
  }
  console.log(`# service ports walk: ${sent.length} requests`);
  await assertNoFaultInTraces(sent);
  assert.deepEqual(await pids(), before, 'no process restarted');
});

/** A request for each of payments' gRPC methods, as a stranger might send it: valid, so that only a fault could fail it. */
const GRPC_REQUESTS: Record<string, () => unknown> = {
  Charge: () => {
    const id = randomUUID();
    return {
      idempotency_key: id,
      order_id: id,
      amount_cents: 100,
      card: { card_number: APPROVED_CARD.cardNumber, expiry: APPROVED_CARD.expiry, cvc: APPROVED_CARD.cvc },
    };
  },
  RefundCharge: () => ({ charge_id: randomUUID() }),
  RefundOrder: () => ({ order_id: randomUUID() }),
  GetCharge: () => ({ charge_id: randomUUID() }),
};

test("straight at payments' gRPC port (grpcurl): forged fault metadata on every method, with or without a forged signature, has no effect", async () => {
  const before = await pids();
  const sent: Sent[] = [];
  for (const kind of KINDS) {
    for (const method of Payments.methods) {
      for (const baggage of [forged(kind, ['payments']), forged(kind, ['payments']).replace(`,${FORGED_SIG}`, '')]) {
        const traceId = randomBytes(16).toString('hex');
        const what = `${method.name} [${baggage.split(',')[0]}]`;
        const res = await grpcurl([`${PAYMENTS_SERVICE}/${method.name}`], {
          data: GRPC_REQUESTS[method.name]!(),
          maxTimeS: 8,
          headers: [
            ['traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`],
            ['baggage', baggage],
          ],
        });
        assert.ok(res.code >= 0 && !SERVER_FAILURES.has(res.code), `${what}: status ${res.code} ${res.stdout}${res.stderr}`);
        assert.ok(res.ms < SLOW_MS, `${what}: took ${Math.round(res.ms)} ms`);
        sent.push({ what, traceId, traced: true });
      }
    }
  }
  console.log(`# payments gRPC walk: ${sent.length} calls`);
  await assertNoFaultInTraces(sent);
  assert.deepEqual(await pids(), before, 'no process restarted');
});

test('Kafka messages produced straight to the topics with forged fault baggage are processed without any fault', async () => {
  // A real order gives a real OrderPlaced; redelivered with forged baggage it must ship once, unfaulted.
  const res = await api<CreatedOrder>('POST', '/api/orders', orderRequest({ email: uniqueEmail('kafka-forged') }));
  assert.equal(res.status, 201);
  const orderId = res.body.id;
  await waitForOrder(orderId, ['completed'], 60_000);
  const [placedEvent] = await readTopic(Topics.orderPlaced, [orderId]);
  const [shippedEvent] = await readTopic(Topics.orderShipped, [orderId]);
  const before = await pids();
  const producer = kafka('forged-faults').producer();
  await producer.connect();
  const sent: Sent[] = [];
  const producedHere = new Set<string>();
  try {
    for (const kind of KINDS) {
      for (const [topic, event] of [
        [Topics.orderPlaced, placedEvent!],
        [Topics.orderShipped, shippedEvent!],
      ] as const) {
        const traceId = randomBytes(16).toString('hex');
        const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
        producedHere.add(traceparent);
        await producer.send({ topic, messages: [{ key: orderId, value: event.value, headers: { traceparent, baggage: forged(kind) } }] });
        sent.push({ what: `${topic} with ${kind}`, traceId, traced: true });
      }
    }
  } finally {
    await producer.disconnect();
  }
  await assertNoFaultInTraces(sent);
  // Redeliveries are deduplicated: still one shipment and one notification; nothing poisoned downstream.
  assert.equal(await shipmentCount(orderId), 1);
  assert.equal(await notificationCount(orderId), 1);
  // What the consumers sent on carries none of the forged entries (the ones we produced do, by design).
  for (const topic of [Topics.orderShipped, Topics.orderNotified]) {
    for (const m of await readTopic(topic, [orderId])) {
      assert.doesNotThrow(() => JSON.parse(m.value), `${topic} for ${orderId} is not poisoned`);
      if (producedHere.has(m.headers.traceparent ?? '')) continue;
      assert.ok(
        !(m.headers.baggage ?? '').includes('hoptrace.fault'),
        `${topic} message at ${m.partition}/${m.offset} carries fault entries on: ${m.headers.baggage}`,
      );
    }
  }
  assert.equal((await waitForOrder(orderId, ['completed', 'failed'])).status, 'completed');
  assert.deepEqual(await pids(), before, 'no process restarted');
});
