import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../src/config';
import { closeServer, listenRedirect } from '../src/http-server';
import { databaseSecretVars, tlsIdentity, tlsVars } from '../src/tls';

const dir = mkdtempSync(join(tmpdir(), 'kit-secure-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One raw HTTP/1.x exchange, so that a request without a Host header can be sent at all. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

test("secure mode's plain port answers every request with a 308 to the same host and path on HTTPS, and a request naming no host with a 400", async () => {
  const server = await listenRedirect(0, 8443);
  try {
    const { port } = server.address() as AddressInfo;
    const post = await exchange(
      port,
      'POST /api/orders?x=1 HTTP/1.1\r\nhost: shop.example:8080\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}',
    );
    assert.match(post, /^HTTP\/1\.1 308 Permanent Redirect\r\n/);
    assert.match(post, /\r\nlocation: https:\/\/shop\.example:8443\/api\/orders\?x=1\r\n/i);
    const v6 = await exchange(port, 'GET / HTTP/1.1\r\nhost: [::1]:8080\r\nconnection: close\r\n\r\n');
    assert.match(v6, /\r\nlocation: https:\/\/\[::1\]:8443\/\r\n/i);
    const none = await exchange(port, 'GET / HTTP/1.0\r\n\r\n');
    assert.match(none, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.equal(JSON.parse(none.split('\r\n\r\n')[1]!).error.code, 'invalid_host');
  } finally {
    await closeServer(server);
  }
});

const Secure = z.object({ ...tlsVars, ...databaseSecretVars });

test('secure mode is off with no TLS variable, on with all three, and a missing or unreadable one is named', () => {
  assert.equal(tlsIdentity(loadConfig(Secure, {})), undefined);
  const missing = join(dir, 'absent.pem');
  assert.throws(
    () => loadConfig(Secure, { TLS_CA_FILE: missing }),
    (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`set TLS_CA_FILE: cannot read ${missing} \\(ENOENT\\)`));
      return true;
    },
  );
  assert.throws(
    () => tlsIdentity(loadConfig(Secure, { TLS_CA_FILE: __filename })),
    (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /set TLS_CERT_FILE: secure mode needs TLS_CA_FILE, TLS_CERT_FILE and TLS_KEY_FILE together/);
      assert.match(err.message, /set TLS_KEY_FILE/);
      return true;
    },
  );
  const config = loadConfig(Secure, {
    TLS_CA_FILE: __filename,
    TLS_CERT_FILE: __filename,
    TLS_KEY_FILE: __filename,
    DATABASE_PASSWORD_FILE: __filename,
  });
  assert.ok(tlsIdentity(config)?.key.length);
  assert.equal(typeof config.DATABASE_PASSWORD_FILE, 'string', 'a secret file is read as its content');
});
