import { connect } from 'node:net';

/**
 * HTTP/1.1 written by hand over a socket: what a hostile client sends is not limited to what
 * fetch or node:http would let through (repeated headers, NUL bytes, lone surrogates, any
 * method), and each request can come from its own loopback address (127.0.0.0/8), which is what
 * the per-client rate limit counts.
 */
export interface RawRequest {
  host: string;
  port: number;
  method: string;
  path: string;
  /** In order, repeats allowed; values are written as bytes (utf8 unless a Buffer). */
  headers?: [string, string | Buffer][];
  body?: string | Buffer;
  localAddress?: string;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
}

export class NoAnswer extends Error {}

function decodeChunked(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export function parseResponse(raw: Buffer, ms: number): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new NoAnswer(`not an HTTP response: ${JSON.stringify(raw.subarray(0, 80).toString('latin1'))}`);
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(end + 4);
  const body = headers['transfer-encoding']?.includes('chunked')
    ? decodeChunked(rest)
    : rest.subarray(0, headers['content-length'] ? Number(headers['content-length']) : undefined);
  return { status, headers, body: body.toString('utf8'), ms };
}

export function rawRequest(req: RawRequest): Promise<RawResponse> {
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
  const head = [`${req.method} ${req.path} HTTP/1.1`, `host: ${req.host}:${req.port}`, 'connection: close'];
  const headerBytes = (req.headers ?? []).map(([k, v]) =>
    Buffer.concat([Buffer.from(`${k}: `), Buffer.isBuffer(v) ? v : Buffer.from(v), Buffer.from('\r\n')]),
  );
  const bytes = Buffer.concat([
    Buffer.from(`${head.join('\r\n')}\r\n`),
    ...headerBytes,
    Buffer.from(body ? `content-length: ${body.length}\r\n\r\n` : '\r\n'),
    ...(body ? [body] : []),
  ]);
  const timeoutMs = req.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const socket = connect({ host: req.host, port: req.port, localAddress: req.localAddress }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new NoAnswer(`${req.method} ${req.path}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      // A server may answer and close before it read all we wrote (e.g. 431): the answer counts.
      // (We never half-close: Node's server drops a streamed answer to a client that did.)
      if (chunks.length) return;
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks), performance.now() - started));
      } catch (err) {
        reject(err);
      }
    });
  });
}

let next = 0;
/** A loopback address of its own for each call: 127.10.0.1, 127.10.0.2, … (all of 127/8 is local). */
export function strangerAddress(): string {
  next++;
  return `127.${10 + (Math.floor(next / 62_500) % 200)}.${Math.floor(next / 250) % 250}.${(next % 250) + 1}`;
}
