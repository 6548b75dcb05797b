import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import type { Paths } from './paths';
import { APPS, type Stack } from './stack';

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
        const target = match[1]!;
        const action = match[2] as Action;
        const members = stack.select(target);
        if (action === 'restart') {
          const env = parseExtraEnv(await readBody(req));
          if (typeof env === 'string') return reply(400, { error: { code: 'invalid_env', message: env, fields: { env: env } } });
          await stack.restart(members, env);
        } else {
          for (const member of members) await member[action]();
        }
        // One component answers with its status (what the tests read); a group with the list.
        return reply(200, target === APPS ? members.map((m) => m.status()) : members[0]!.status());
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
      if (body.length > 65_536) req.destroy(new Error('request body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `--env NAME=value` flags (repeatable) into an environment object; the value may hold `=`. */
export function envFromFlags(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, Math.max(eq, 0));
    if (!ENV_NAME.test(name)) throw new Error(`--env wants NAME=value, not "${pair}"`);
    env[name] = pair.slice(eq + 1);
  }
  return env;
}

/** `{ "env": { "NAME": "value" } }` (or no body) → the extra environment, or what is wrong with it. */
export function parseExtraEnv(body: string): Record<string, string> | string {
  if (!body.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the body must be JSON: { "env": { "NAME": "value" } }';
  }
  const env = (parsed as { env?: unknown } | null)?.env ?? {};
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return 'env must be an object of NAME: value';
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) return `env: "${name}" is not a variable name`;
    if (typeof value !== 'string') return `env.${name} must be a string`;
  }
  return env as Record<string, string>;
}

/** One request to the running runner; rejects with a clear message when none is running. */
export function callControl<T>(socket: string, method: 'GET' | 'POST', path: string, timeoutMs = 180_000, body?: unknown): Promise<T> {
  if (!existsSync(socket)) return Promise.reject(new Error('the native stack is not running: start it with `npm start`'));
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const req = request({ socketPath: socket, method, path, headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        const parsed = body ? JSON.parse(body) : undefined;
        if ((res.statusCode ?? 500) >= 400) reject(new Error(parsed?.error?.message ?? `runner answered ${res.statusCode}`));
        else resolve(parsed as T);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the runner did not answer ${method} ${path} within ${timeoutMs / 1000} s`)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ECONNREFUSED' || err.code === 'ENOENT'
          ? new Error('the native stack is not running: start it with `npm start`')
          : err,
      ),
    );
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
