import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DependencyUnavailable } from '@hoptrace/kit';
import { OrdersClient } from '../src/client';

/** Two orders instances that answer with their own name, and a port where nothing listens. */
const servers: Server[] = [];
const urls: string[] = [];
const placed: string[] = [];
let closedUrl = '';

before(async () => {
  for (const name of ['orders-1', 'orders-2']) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'POST') placed.push(name);
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ instance: name }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
});

after(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

const instanceOf = (body: unknown) => (body as { instance: string }).instance;

test('orders are spread over every instance in turn', async () => {
  const client = new OrdersClient(urls, 2000);
  const seen = [];
  for (let i = 0; i < 4; i++) seen.push(instanceOf((await client.place({ n: i })).body));
  assert.deepEqual(seen, ['orders-1', 'orders-2', 'orders-1', 'orders-2']);
});

test('an instance that refuses the connection costs no order: the order goes to the next, once', async () => {
  placed.length = 0;
  const client = new OrdersClient([closedUrl, urls[1]!], 2000);
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await client.place({ n: i }));
  assert.deepEqual(
    answers.map((a) => [a.status, instanceOf(a.body)]),
    Array(4).fill([201, 'orders-2']),
  );
  assert.deepEqual(placed, ['orders-2', 'orders-2', 'orders-2', 'orders-2'], 'each order reached an instance exactly once');
});

test('when no instance can be reached the caller gets DependencyUnavailable naming orders', async () => {
  const client = new OrdersClient([closedUrl, closedUrl], 2000);
  await assert.rejects(client.place({}), (err: unknown) => err instanceof DependencyUnavailable && err.dependency === 'orders');
});
