import { createServer, STATUS_CODES, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import type { TlsIdentity } from './tls';

/**
 * What one HTTP request may take from a server (Node's defaults: 16 KiB of headers, 60 s for
 * them, 5 min for the whole request): a slow or oversized client is cut off early.
 */
export const HTTP_LIMITS = {
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/**
 * What Node's HTTP parser rejects never reaches Koa; Node would answer it with a bare status
 * line. The same JSON error shape as every other answer instead.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message, fields] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'header_too_large',
          `the request headers are larger than ${HTTP_LIMITS.maxHeaderSize / 1024} KiB`,
          { headers: `at most ${HTTP_LIMITS.maxHeaderSize / 1024} KiB in all` },
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', `the request did not arrive within ${HTTP_LIMITS.requestTimeoutMs / 1000} s`, undefined]
        : [400, 'malformed_request', 'the request is not valid HTTP/1.1', { request: err.code ?? 'unreadable' }];
  const body = JSON.stringify({ error: { code, message, ...(fields ? { fields } : {}) } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Secure mode: HTTPS with the service's certificate. `clients: 'mutual'` admits only clients that
 * present a certificate the stack's CA issued (service to service); `'any'` serves browsers.
 */
export interface HttpTls {
  identity: TlsIdentity;
  clients: 'mutual' | 'any';
}

/** Serves an app with HTTP_LIMITS, unstarted: tests listen on a port of their choosing. */
export function createAppServer(app: Koa, tls?: HttpTls): Server {
  const limits = {
    maxHeaderSize: HTTP_LIMITS.maxHeaderSize,
    requestTimeout: HTTP_LIMITS.requestTimeoutMs,
    headersTimeout: HTTP_LIMITS.headersTimeoutMs,
  };
  const mutual = tls?.clients === 'mutual';
  const server = tls
    ? createTlsServer(
        { ...limits, ...tls.identity, requestCert: mutual, rejectUnauthorized: mutual, minVersion: 'TLSv1.2' },
        app.callback(),
      )
    : createServer(limits, app.callback());
  server.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeoutMs;
  server.on('clientError', answerClientError);
  return server;
}

function listening(server: Server, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/** Listens on a port; resolves once it accepts connections. */
export function listen(app: Koa, port: number, tls?: HttpTls): Promise<Server> {
  return listening(createAppServer(app, tls), port);
}

/**
 * Secure mode's plain port: every request is sent to the same host and path on the HTTPS port
 * with 308, which keeps the method and body (a POST stays a POST, unlike 301 and 302).
 */
export function listenRedirect(port: number, httpsPort: number): Promise<Server> {
  const server = createServer(
    {
      maxHeaderSize: HTTP_LIMITS.maxHeaderSize,
      requestTimeout: HTTP_LIMITS.requestTimeoutMs,
      headersTimeout: HTTP_LIMITS.headersTimeoutMs,
    },
    (req, res) => {
      const host = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d+)?$/.exec(req.headers.host ?? '')?.[1];
      if (!host) {
        const body = JSON.stringify({
          error: {
            code: 'invalid_host',
            message: 'the Host header must name a host to redirect to HTTPS',
            fields: { host: 'a host name or address, with an optional port' },
          },
        });
        res
          .writeHead(400, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
          })
          .end(body);
        return;
      }
      res.writeHead(308, { location: `https://${host}:${httpsPort}${req.url ?? '/'}`, 'content-length': 0 }).end();
    },
  );
  server.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeoutMs;
  server.on('clientError', answerClientError);
  return listening(server, port);
}

/** Stops accepting connections and waits for requests in flight. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
