import { Services, SERVICE_LIST, Topics } from '@hoptrace/contracts';
import { aclEntries, kafkaGrants } from '@hoptrace/kit';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, rootCertificates, type ConnectionOptions } from 'node:tls';
import { after, test } from 'node:test';
import { AclOperationTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes, type KafkaConfig } from 'kafkajs';
import { Client } from 'pg';
import { Agent } from 'undici';
import { ADMIN_IDENTITY, ensurePki, pkiPaths } from '../../packages/pki/src/index';
import { rawRequest } from '../support/raw-http';
import { orderRequest } from '../support/shop';
import { composeEnvironment, hostPort, kafka, pki as stackPki, postgresLogin, secureMode } from '../support/stack';

/**
 * Secure mode's refusals, each with the error the refusing side gives, against the running secure
 * stack (npm test starts it after the default suite): plaintext to a TLS port, a certificate from
 * another CA, a wrong password, a topic or a database that is not the service's own.
 */
assert.ok(secureMode && stackPki, 'these tests run against a stack started with npm start -- --secure');
const pki = stackPki;
const ca = readFileSync(pki.ca);
const [host] = hostPort('gateway', 8080).split(':') as [string];
const PAYMENTS_GRPC_PORT = Number(composeEnvironment('payments').GRPC_PORT);
const url = (service: string, port: number, path: string) => `https://${hostPort(service, port)}${path}`;
const identity = (dir: string, name: string) => ({
  cert: readFileSync(pkiPaths(dir).cert(name)),
  key: readFileSync(pkiPaths(dir).key(name)),
});

// A CA of the same shape that the stack never trusted, with an "orders" certificate of its own.
const strangerDir = mkdtempSync(join(tmpdir(), 'hoptrace-stranger-ca-'));
ensurePki(strangerDir, { identities: ['orders'] });
after(() => rmSync(strangerDir, { recursive: true, force: true }));

/**
 * What a TLS server does with a client: 'accepted' when it answers a request, else the error the
 * client sees. With TLS 1.3 a refused client certificate comes as an alert after the handshake,
 * which fetch reports only as a closed socket; a socket of our own reads the alert itself.
 */
function tlsOutcome(service: string, port: number, options: ConnectionOptions): Promise<string> {
  const [h, p] = hostPort(service, port).split(':') as [string, string];
  return new Promise((resolve) => {
    // gRPC speaks HTTP/2, whose server writes first (its SETTINGS) once the handshake passed.
    const h2 = port === 4317 || port === PAYMENTS_GRPC_PORT;
    const socket = tlsConnect(
      { host: h, port: Number(p), servername: 'localhost', ...(h2 ? { ALPNProtocols: ['h2'] } : {}), ...options },
      () => socket.write(h2 ? 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' : `GET /readyz HTTP/1.1\r\nhost: ${h}\r\nconnection: close\r\n\r\n`),
    );
    socket.setTimeout(10_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('data', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.once('close', () => resolve('closed without an answer'));
  });
}

/** The error a fetch failed with: undici's cause code (a TLS alert, a reset). */
async function fetchError(target: string, connect: ConnectionOptions): Promise<string> {
  const dispatcher = new Agent({ connect: connect as Record<string, unknown> });
  try {
    const res = await fetch(target, { dispatcher, signal: AbortSignal.timeout(10_000) } as RequestInit);
    return `answered ${res.status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? String(err);
  } finally {
    await dispatcher.close();
  }
}

test('plain HTTP to the gateway gets only a 308 to the same path on HTTPS 8443, and a POST that follows it stays a POST', async () => {
  const body = JSON.stringify(orderRequest({ email: 'redirect@example.com' }));
  const res = await rawRequest({
    host,
    port: 8080,
    method: 'POST',
    path: '/api/orders?from=plain',
    headers: [
      ['host', hostPort('gateway', 8080)],
      ['content-type', 'application/json'],
    ],
    body,
  });
  assert.equal(res.status, 308);
  assert.equal(res.headers.location, `https://${host}:8443/api/orders?from=plain`);
  assert.equal(res.body, '', 'nothing is served over plain HTTP');
  // fetch follows a 308 with the same method and body (it trusts the local CA: NODE_EXTRA_CA_CERTS).
  const followed = await fetch(`http://${hostPort('gateway', 8080)}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  assert.equal(followed.url, `https://${host}:8443/api/orders`);
  assert.equal(followed.status, 201, await followed.clone().text());
});

test('plaintext to a TLS port is refused: the gateway, a service, Jaeger, PostgreSQL, Kafka', async () => {
  const plainToGateway = await fetch(`http://${hostPort('gateway', 8443)}/readyz`).then(
    (r) => `answered ${r.status}`,
    (err) => (err as { cause?: { code?: string } }).cause?.code,
  );
  assert.equal(plainToGateway, 'UND_ERR_SOCKET', 'the TLS server closes on a plaintext request');
  const plainToOrders = await fetch(`http://${hostPort('orders', Services.orders.port)}/readyz`).then(
    (r) => `answered ${r.status}`,
    (err) => (err as { cause?: { code?: string } }).cause?.code,
  );
  assert.equal(plainToOrders, 'UND_ERR_SOCKET');
  // Jaeger's collector answers a plaintext request with 400 and says why.
  const otlp = await fetch(`http://${hostPort('jaeger', 4318)}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(otlp.status, 400);
  assert.match(await otlp.text(), /Client sent an HTTP request to an HTTPS server/);
  const pg = new Client({ ...postgresLogin('orders'), ssl: false });
  await assert.rejects(pg.connect(), (err: Error & { code?: string }) => {
    assert.equal(err.code, '28000');
    assert.match(err.message, /no pg_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "orders", no encryption/);
    return true;
  });
  const plainKafka = new Kafka({
    clientId: 'plaintext',
    brokers: [hostPort('kafka', 9092)],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  }).admin();
  await assert.rejects(plainKafka.connect(), (err: Error) => {
    // The broker closes a connection that does not start with a TLS handshake.
    assert.equal(err.name, 'KafkaJSNumberOfRetriesExceeded');
    assert.equal(err.message, 'Closed connection');
    return true;
  });
});

test('a client that does not trust the local CA refuses the stack: the gateway serves a certificate only that CA vouches for', async () => {
  assert.equal(await fetchError(url('gateway', 8443, '/readyz'), { ca: [...rootCertificates] }), 'SELF_SIGNED_CERT_IN_CHAIN');
  assert.equal(await fetchError(url('gateway', 8443, '/readyz'), { ca }), 'answered 200');
});

test('service to service is mutual TLS: no certificate, or one from another CA, is refused by each internal service and by Jaeger', async () => {
  const admin = { ca, ...identity(pki.dir, ADMIN_IDENTITY) };
  const stranger = { ca, ...identity(strangerDir, 'orders') };
  // Every internal HTTP port, payments' gRPC port, Jaeger's OTLP ports (HTTP and gRPC).
  const targets: [string, number][] = [
    ...SERVICE_LIST.filter((s) => s.name !== 'gateway').map((s): [string, number] => [s.name, s.port]),
    ['payments', PAYMENTS_GRPC_PORT],
    ['jaeger', 4318],
    ['jaeger', 4317],
  ];
  for (const [service, port] of targets) {
    assert.equal(
      await tlsOutcome(service, port, { ca }),
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      `${service}:${port} without a certificate`,
    );
    // Go's TLS (Jaeger) answers with an "unknown CA" alert; Node's servers verify the certificate
    // after the handshake and close the connection before reading the request.
    const refused = service === 'jaeger' ? 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' : 'closed without an answer';
    assert.equal(await tlsOutcome(service, port, stranger), refused, `${service}:${port} with another CA's "orders" certificate`);
    assert.equal(await tlsOutcome(service, port, admin), 'accepted', `${service}:${port} with a certificate of the local CA`);
  }
  assert.equal(await fetchError(url('inventory', Services.inventory.port, '/readyz'), admin), 'answered 200');
});

const asService = (name: string, password: string, extra: Partial<KafkaConfig> = {}) =>
  new Kafka({
    clientId: name,
    brokers: [hostPort('kafka', 9092)],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    ssl: { ca: [ca] },
    sasl: { mechanism: 'scram-sha-512', username: name, password },
    ...extra,
  });
const kafkaPassword = (name: string) => readFileSync(pki.secret('kafka', name), 'utf8');

test('Kafka refuses a wrong SCRAM-SHA-512 password, and PostgreSQL a wrong SCRAM-SHA-256 one', async () => {
  const wrong = asService(Services.orders.name, 'not-the-password').admin();
  await assert.rejects(wrong.connect(), (err: Error) => {
    assert.equal(err.name, 'KafkaJSSASLAuthenticationError');
    assert.match(err.message, /SASL SCRAM SHA512 authentication failed/);
    return true;
  });
  const pg = new Client(postgresLogin('orders', 'orders', 'not-the-password'));
  await assert.rejects(pg.connect(), (err: Error & { code?: string }) => {
    assert.equal(err.code, '28P01');
    assert.equal(err.message, 'password authentication failed for user "orders"');
    return true;
  });
});

test("each service's Kafka ACLs are exactly those its descriptor implies, and a service cannot write, read or join what it does not own", async (t) => {
  const admin = kafka('acl-reader').admin();
  await admin.connect();
  try {
    const described = await admin.describeAcls({ resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1 } as never);
    const nameOf = (values: object, value: number) => Object.entries(values).find(([, v]) => v === value)?.[0] ?? String(value);
    const line = (principal: string, operation: number, type: number, pattern: number, name: string) =>
      `${principal} ${nameOf(AclOperationTypes, operation)} ${nameOf(AclResourceTypes, type)} ${nameOf(ResourcePatternTypes, pattern)} ${name}`;
    const actual = described.resources
      .flatMap((r) => r.acls.map((a) => line(a.principal, a.operation, r.resourceType, r.resourcePatternType, r.resourceName)))
      .sort();
    const expected = SERVICE_LIST.flatMap((d) => aclEntries(kafkaGrants(d)))
      .map((a) => line(a.principal, a.operation, a.resourceType, a.resourcePatternType, a.resourceName))
      .sort();
    assert.deepEqual(actual, expected);
    t.diagnostic(`${actual.length} ACLs, all derived from the service descriptors`);
  } finally {
    await admin.disconnect();
  }
  // fulfillment publishes orders.shipped; orders.placed is orders' own.
  const producer = asService(Services.fulfillment.name, kafkaPassword('fulfillment')).producer();
  await producer.connect();
  try {
    await assert.rejects(
      producer.send({ topic: Topics.orderPlaced, messages: [{ key: 'acl-test', value: '{}' }] }),
      (err: Error & { type?: string }) => {
        assert.equal(err.name, 'KafkaJSProtocolError');
        assert.equal(err.type, 'TOPIC_AUTHORIZATION_FAILED');
        assert.equal(err.message, 'Not authorized to access topics: [Topic authorization failed]');
        return true;
      },
    );
  } finally {
    await producer.disconnect();
  }
  // The gateway talks no Kafka: it may not even join a group of its own name, nor read a topic.
  const consumer = asService(Services.gateway.name, kafkaPassword('gateway')).consumer({ groupId: 'gateway' });
  await consumer.connect();
  try {
    await assert.rejects(
      consumer
        .subscribe({ topics: [Topics.orderShipped], fromBeginning: true })
        .then(() => consumer.run({ eachMessage: async () => undefined }))
        .then(
          () =>
            new Promise((_, reject) => {
              consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
            }),
        ),
      (err: Error & { type?: string }) => {
        assert.match(String(err.type), /^(GROUP|TOPIC)_AUTHORIZATION_FAILED$/, `${err.name}: ${err.message}`);
        return true;
      },
    );
  } finally {
    await consumer.disconnect();
  }
});

test("a service's database role can open its own database and no other", async () => {
  const own = new Client(postgresLogin('orders', 'orders', readFileSync(pki.secret('postgres', 'orders'), 'utf8')));
  await own.connect();
  try {
    const [row] = (
      await own.query<{ user: string; ssl: boolean }>('SELECT current_user AS user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
    ).rows;
    assert.deepEqual(row, { user: 'orders', ssl: true });
  } finally {
    await own.end();
  }
  const other = new Client(postgresLogin('inventory', 'orders', readFileSync(pki.secret('postgres', 'orders'), 'utf8')));
  await assert.rejects(other.connect(), (err: Error & { code?: string; detail?: string }) => {
    assert.equal(err.code, '42501');
    assert.equal(err.message, 'permission denied for database "inventory"');
    assert.equal(err.detail, 'User does not have CONNECT privilege.');
    return true;
  });
});
