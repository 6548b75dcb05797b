import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { AddressMap } from '../src/addresses';
import { resolvePaths } from '../src/paths';
import { loadRunningProject } from '../src/project';
import { waitFor } from '../src/wait';

// Runs against the native stack that `npm test` starts: each real component does its job.
const paths = resolvePaths();
const { all: services } = loadRunningProject(paths);
const map = new AddressMap(services);
const at = (service: string, port: number) => `${map.host}:${map.port(service, port)}`;

test('kafka: a message produced to a new topic is consumed back with its key and headers', async () => {
  const kafka = new Kafka({ clientId: 'hoptrace-stack-test', brokers: [at('kafka', 9092)], logLevel: logLevel.WARN });
  const topic = `stack-test-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  try {
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true }), true);
    await producer.connect();
    const value = JSON.stringify({ hello: 'kafka', nonce: randomBytes(8).toString('hex') });
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: 'order-1', value, headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }],
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key?: string; value?: string; traceparent?: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message consumed within 30 s')), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve({
            key: message.key?.toString(),
            value: message.value?.toString(),
            traceparent: message.headers?.traceparent?.toString(),
          });
        },
      });
    });
    assert.deepEqual(received, { key: 'order-1', value, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

test('jaeger: a span sent over OTLP/HTTP is read back through the query API', async () => {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hoptrace-stack-test' } }] },
        scopeSpans: [
          {
            scope: { name: 'stack.int.test' },
            spans: [
              {
                traceId,
                spanId,
                name: 'stack round trip',
                kind: 1,
                startTimeUnixNano: String(now),
                endTimeUnixNano: String(now + 5_000_000n),
                attributes: [{ key: 'test.nonce', value: { stringValue: spanId } }],
              },
            ],
          },
        ],
      },
    ],
  };
  const res = await fetch(`http://${at('jaeger', 4318)}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.text());
  type Trace = {
    data?: {
      traceID: string;
      spans: { spanID: string; operationName: string; processID: string }[];
      processes: Record<string, { serviceName: string }>;
    }[];
  };
  let trace: Trace = {};
  await waitFor(
    `trace ${traceId} in Jaeger`,
    async () => {
      const r = await fetch(`http://${at('jaeger', 16686)}/api/traces/${traceId}`);
      if (r.status !== 200) return false;
      trace = (await r.json()) as Trace;
      return (trace.data?.[0]?.spans.length ?? 0) > 0;
    },
    30_000,
    250,
  );
  const [found] = trace.data!;
  assert.equal(found!.traceID, traceId);
  const span = found!.spans[0]!;
  assert.equal(span.spanID, spanId);
  assert.equal(span.operationName, 'stack round trip');
  assert.equal(found!.processes[span.processID]!.serviceName, 'hoptrace-stack-test');
});

test('prometheus: every scrape target in its configuration is up', async () => {
  type Result = { data: { result: { metric: { job: string; instance: string }; value: [number, string] }[] } };
  let results: Result['data']['result'] = [];
  const expected = ['jaeger', 'prometheus', 'spanmetrics'];
  await waitFor(
    'all Prometheus targets up',
    async () => {
      const r = await fetch(`http://${at('prometheus', 9090)}/api/v1/query?query=up`);
      results = ((await r.json()) as Result).data.result;
      const up = results.filter((x) => x.value[1] === '1').map((x) => x.metric.job);
      return expected.every((job) => up.includes(job)) && results.every((x) => x.value[1] === '1');
    },
    60_000,
    1000,
  );
  for (const job of expected)
    assert.ok(
      results.some((x) => x.metric.job === job && x.value[1] === '1'),
      `${job} is not up`,
    );
});

test('postgres: a query runs, and the per-service databases exist', async () => {
  const env = services.find((s) => s.name === 'postgres')!.environment;
  const client = new Client({
    host: map.host,
    port: map.port('postgres', 5432),
    user: env.POSTGRES_USER,
    password: env.POSTGRES_PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ sum: number }>('SELECT 20 + 22 AS sum');
    assert.equal(rows[0]!.sum, 42);
    const dbs = await client.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY datname');
    const names = dbs.rows.map((r) => r.datname);
    for (const db of ['orders', 'inventory']) assert.ok(names.includes(db), `database ${db} missing: ${names.join(', ')}`);
  } finally {
    await client.end();
  }
});
