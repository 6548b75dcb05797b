import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import type { Paths } from './paths';
import type { Stack } from './stack';

/**
 * `npm run stack -- <command>` talks to the running `npm start` over a Unix socket in the state
 * folder (or under /tmp when that path is too long for a socket).
 */
export function controlSocket(paths: Paths): string {
  const inState = join(paths.state, 'runner.sock');
  if (Buffer.byteLength(inState) < 100) return inState;
  return join('/tmp', `hoptrace-${createHash('sha256').update(paths.state).digest('hex').slice(0, 12)}.sock`);
}

export const ACTIONS = ['start', 'stop', 'restart', 'kill'] as const;
export type Action = (typeof ACTIONS)[number];

export function serveControl(socket: string, stack: Stack, shutdown: () => void): Promise<Server> {
  rmSync(socket, { force: true });
  const server = createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://runner');
      if (req.method === 'GET' && url.pathname === '/status') return reply(200, stack.status());
      if (req.method === 'POST' && url.pathname === '/shutdown') {
        reply(202, { stopping: true });
        return shutdown();
      }
      const match = /^\/components\/([\w.-]+)\/(\w+)$/.exec(url.pathname);
      if (req.method === 'POST' && match && (ACTIONS as readonly string[]).includes(match[2]!)) {
        const member = stack.get(match[1]!);
        const action = match[2] as Action;
        if (action === 'restart') { await member.stop(); await member.start(); }
        else await member[action]();
        return reply(200, member.status());
      }
      reply(404, { error: { code: 'not_found', message: `${req.method} ${url.pathname} is not a runner command` } });
    } catch (err) {
      reply(409, { error: { code: 'failed', message: err instanceof Error ? err.message : String(err) } });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve(server));
  });
}

/** One request to the running runner; rejects with a clear message when none is running. */
export function callControl<T>(socket: string, method: 'GET' | 'POST', path: string, timeoutMs = 180_000): Promise<T> {
  if (!existsSync(socket)) return Promise.reject(new Error('the native stack is not running: start it with `npm start`'));
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        const parsed = body ? JSON.parse(body) : undefined;
        if ((res.statusCode ?? 500) >= 400) reject(new Error(parsed?.error?.message ?? `runner answered ${res.statusCode}`));
        else resolve(parsed as T);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the runner did not answer ${method} ${path} within ${timeoutMs / 1000} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ECONNREFUSED' || err.code === 'ENOENT'
      ? new Error('the native stack is not running: start it with `npm start`') : err));
    req.end();
  });
}
