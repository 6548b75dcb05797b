import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ensurePki, identitiesFor, pkiPaths } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'pki-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const identities = identitiesFor(['gateway', 'orders']);

test('a CA and, for each identity, a certificate it issued, for server and client use, named for compose and for the native stack', () => {
  const created = ensurePki(dir, { identities });
  assert.deepEqual(created, ['ca', ...identities]);
  const paths = pkiPaths(dir);
  const ca = new X509Certificate(readFileSync(paths.ca));
  assert.equal(ca.ca, true);
  for (const name of identities) {
    const cert = new X509Certificate(readFileSync(paths.cert(name)));
    assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), `${name} is issued by the CA`);
    assert.equal(cert.ca, false);
    assert.equal(cert.subjectAltName, `DNS:${name}, DNS:localhost, IP Address:127.0.0.1`);
    assert.deepEqual(cert.keyUsage?.sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'], `${name}: serverAuth and clientAuth`);
    // openssl's own verification, with the purpose each side checks.
    for (const purpose of ['sslserver', 'sslclient'])
      execFileSync('openssl', ['verify', '-purpose', purpose, '-CAfile', paths.ca, paths.cert(name)]);
    assert.equal(statSync(paths.key(name)).mode & 0o777, 0o600, `${name}.key is its owner's alone`);
  }
});

test('passwords are generated per identity and use, random, and kept with the CA on the next start', () => {
  const paths = pkiPaths(dir);
  const before = readFileSync(paths.ca, 'utf8');
  const secrets = identities.flatMap((n) => (['postgres', 'kafka'] as const).map((use) => readFileSync(paths.secret(use, n), 'utf8')));
  assert.ok(secrets.every((s) => /^[0-9a-f]{48}$/.test(s)));
  assert.equal(new Set(secrets).size, secrets.length, 'no two alike');
  assert.deepEqual(ensurePki(dir, { identities }), [], 'a second start creates nothing');
  assert.equal(readFileSync(paths.ca, 'utf8'), before);
});
