import { Payments } from '@hoptrace/contracts/payments-v1';
import { spawn } from 'node:child_process';
import { ensureGrpcurl } from '../../infra/native/src/provision/grpcurl';
import { cacheDir, paymentsGrpcTarget } from './stack';

/**
 * grpcurl, a gRPC client that is not ours, against payments: built once (pinned, cached under
 * ~/.cache/hoptrace/grpcurl/<version>/, like the Jaeger build; npm test builds it before the stack
 * starts). Its exit code is 64 + the gRPC status code of a failed call; -format-error prints the
 * status as JSON on stdout.
 */
export interface GrpcurlResult {
  exit: number;
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  json?: unknown;
}

export const PAYMENTS_SERVICE = Payments.typeName;
export const paymentsMethodPath = (method: { name: string }) => `/${Payments.typeName}/${method.name}`;

export async function grpcurl(
  args: string[],
  options: { data?: unknown; headers?: [string, string][]; maxTimeS?: number; verbose?: boolean } = {},
): Promise<GrpcurlResult> {
  const binary = await ensureGrpcurl(cacheDir);
  // Flags first: grpcurl reads the address as the end of them.
  const argv = [
    '-plaintext',
    '-format-error',
    '-max-time',
    String(options.maxTimeS ?? 8),
    ...(options.verbose ? ['-v'] : []),
    ...(options.headers ?? []).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    ...(options.data !== undefined ? ['-d', JSON.stringify(options.data)] : []),
    paymentsGrpcTarget(),
    ...args,
  ];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', reject);
    child.once('close', (exit) => {
      let json: unknown;
      try {
        json = stdout.trim().startsWith('{') ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      const code = exit === 0 ? 0 : exit !== null && exit >= 64 ? exit - 64 : -1;
      resolve({ exit: exit ?? -1, code, stdout, stderr, ms: performance.now() - started, json });
    });
  });
}

/**
 * gRPC status codes that stand for "the server failed" (as a 5xx would over HTTP): a stranger's
 * input must never cause one. The others are answers (OK, INVALID_ARGUMENT, NOT_FOUND, …).
 */
export const SERVER_FAILURES = new Set([
  2 /* UNKNOWN */, 4 /* DEADLINE_EXCEEDED */, 13 /* INTERNAL */, 14 /* UNAVAILABLE */, 15 /* DATA_LOSS */,
]);
