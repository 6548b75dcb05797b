import { FaultAdmission, FaultRules } from '@hoptrace/faults';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { GatewayDeps } from '../src/app';

export const TOKEN = 'gateway-test-admin-token-0123456789';
export const ORDER_ID = '6f1c1a52-6d7e-4c53-9a43-1f5b2f1a0c01';

/** A built storefront: index.html and one hashed asset. */
export function storefrontDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'storefront-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>shop</title>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log("shop")');
  return dir;
}

/** The gateway's dependencies, inert (services answer fixed bodies); override what a test watches. */
export function gatewayDeps(overrides: Partial<GatewayDeps> = {}): GatewayDeps {
  return {
    inventory: { listProducts: async () => [] } as never,
    orders: {
      place: async () => ({ status: 201, body: { id: ORDER_ID, status: 'paid', traceId: 'x' } }),
      get: async () => ({ status: 404, body: { error: { code: 'not_found', message: 'no such order' } } }),
    } as never,
    notifications: { forOrder: async () => ({ status: 200, body: [] }) } as never,
    logger: pino({ level: 'silent' }),
    readiness: [],
    storefrontDir: storefrontDir(),
    jaegerUiUrl: 'http://127.0.0.1:1/',
    jaeger: { getTrace: async () => undefined } as never,
    collectorTracesUrl: 'http://127.0.0.1:1/v1/traces',
    adminToken: TOKEN,
    faults: new FaultAdmission(TOKEN),
    faultRules: new FaultRules(),
    requestBudgetMs: 2000,
    w3cHarness: true,
    ...overrides,
  };
}

/** Listens on 127.0.0.1 (a port the OS picks); resolves with the base URL and a close. */
export async function serve(listener: RequestListener): Promise<{ base: string; close: () => Promise<void>; server: Server }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
