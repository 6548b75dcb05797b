import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressMap } from '../src/addresses';
import { ComposeError, interpolate, parseCompose, startOrder } from '../src/compose';
import { kafkaProperties } from '../src/components/kafka';
import { nativePrometheusConfig } from '../src/components/prometheus';

const compose = parseCompose(
  `
services:
  postgres:
    image: postgres:15
    ports: ["55432:5432"]
  kafka:
    image: apache/kafka:4.1.1
    ports: ["9094:9094"]
  orders:
    build: .
    environment:
      DATABASE_URL: postgres://postgres:secret@postgres:5432/orders
      KAFKA_BROKERS: kafka:9092
      POSTGRES_USER: postgres
      TOKEN: \${TOKEN:-fallback}
    depends_on:
      postgres: { condition: service_healthy }
      kafka: { condition: service_healthy }
`,
  '/repo',
  {},
);
const map = new AddressMap(compose.services);

test('host names become 127.0.0.1 and published ports their host port', () => {
  assert.equal(map.map('postgres://postgres:secret@postgres:5432/orders'), 'postgres://postgres:secret@127.0.0.1:55432/orders');
  assert.equal(map.map('kafka:9092'), '127.0.0.1:9092');
  assert.equal(
    map.map('PLAINTEXT://kafka:9092,EXTERNAL://localhost:9094', 'kafka'),
    'PLAINTEXT://127.0.0.1:9092,EXTERNAL://localhost:9094',
  );
  assert.equal(map.map('1@kafka:9093'), '1@127.0.0.1:9093');
  assert.equal(map.map('http://postgres/x'), 'http://127.0.0.1/x');
});

test('a bare word equal to a service name is left alone', () => {
  assert.equal(map.map('postgres'), 'postgres');
  assert.equal(map.map('broker,controller'), 'broker,controller');
});

test('compose interpolation supports defaults, required variables and $$', () => {
  assert.equal(compose.services.find((s) => s.name === 'orders')!.environment.TOKEN, 'fallback');
  assert.equal(interpolate('${A:-x}-${B-y}-$$', { A: '', B: '' }), 'x--$');
  assert.throws(() => interpolate('${NEEDED:?set it}', {}), ComposeError);
});

test('services start after what they depend on', () => {
  const order = startOrder(compose.services).map((s) => s.name);
  assert.ok(order.indexOf('orders') > order.indexOf('postgres'));
  assert.ok(order.indexOf('orders') > order.indexOf('kafka'));
});

test('apache/kafka environment variables become broker properties by the image rule', () => {
  assert.deepEqual(
    kafkaProperties({
      KAFKA_NODE_ID: '1',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_LISTENER_NAME_EXTERNAL_SASL__MECHANISM: 'PLAIN',
      KAFKA_SOME___DASHED: 'x',
      KAFKA_HEAP_OPTS: '-Xmx1g',
      CLUSTER_ID: 'abc',
    }),
    {
      'node.id': '1',
      'offsets.topic.replication.factor': '1',
      'listener.name.external.sasl_mechanism': 'PLAIN',
      'some-dashed': 'x',
    },
  );
});

test('prometheus scrape targets are mapped to native addresses', () => {
  const out = nativePrometheusConfig(
    'scrape_configs:\n  - job_name: db\n    static_configs:\n      - targets: ["postgres:5432", "kafka:9092"]\n',
    map,
  );
  assert.match(out, /127\.0\.0\.1:55432/);
  assert.match(out, /127\.0\.0\.1:9092/);
});
