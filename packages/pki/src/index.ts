import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Secure mode's local certificate authority, made with the openssl CLI (never hand-written
 * ASN.1): one CA, and for each component a key and a certificate it issued, valid as a server
 * and as a client, named for both topologies: the compose service name, and localhost/127.0.0.1
 * for the native runner. Plus one random password per identity and use (PostgreSQL, Kafka).
 * Everything is created once and kept; deleting the folder (npm start -- --fresh) rotates it.
 * Node built-ins only: the native runner loads this source before anything is built.
 *
 * Layout of `dir`:  ca.crt ca.key  <name>.crt <name>.key  secrets/postgres-<name> secrets/kafka-<name>
 */

/** Infrastructure that serves TLS or authenticates, besides the app services. */
export const INFRA_IDENTITIES = ['kafka', 'postgres', 'jaeger'] as const;
/** The identity of the operator's tools: the runner, the tests, `npm run fault` (a super user). */
export const ADMIN_IDENTITY = 'hoptrace-admin';
/** Every identity of a stack whose app services are `services`. */
export const identitiesFor = (services: readonly string[]): string[] => [...services, ...INFRA_IDENTITIES, ADMIN_IDENTITY];

export interface PkiPaths {
  dir: string;
  ca: string;
  cert: (name: string) => string;
  key: (name: string) => string;
  /** A generated password: `use` is postgres or kafka. */
  secret: (use: SecretUse, name: string) => string;
}

export type SecretUse = 'postgres' | 'kafka';

export function pkiPaths(dir: string): PkiPaths {
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    cert: (name) => join(dir, `${name}.crt`),
    key: (name) => join(dir, `${name}.key`),
    secret: (use, name) => join(dir, 'secrets', `${use}-${name}`),
  };
}

export interface PkiOptions {
  identities: readonly string[];
  /**
   * Compose only: uid:gid of the container user that reads a component's key, by component; `*`
   * for every other file, which then becomes readable by its group too (0640).
   */
  owners?: Record<string, { uid: number; gid: number }>;
  days?: number;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('secure mode needs the openssl command (Debian package openssl)');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString().trim() ?? e.message}`);
  }
}

/** An openssl config with exactly the extensions given: the system one would add its own (CA:TRUE on req -x509). */
function configFile(tmp: string, name: string, extensions: string[]): string {
  const file = join(tmp, `${name}.cnf`);
  writeFileSync(
    file,
    ['[req]', 'distinguished_name = dn', 'prompt = no', 'x509_extensions = ext', '[dn]', `CN = ${name}`, '[ext]', ...extensions, ''].join(
      '\n',
    ),
  );
  return file;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Creates what is missing in `dir`; returns the names it created (an empty list when all was there). */
export function ensurePki(dir: string, options: PkiOptions): string[] {
  const paths = pkiPaths(dir);
  const { identities } = options;
  const days = String(options.days ?? 397);
  mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  const created: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'hoptrace-pki-'));
  try {
    if (!existsSync(paths.ca) || !existsSync(join(dir, 'ca.key'))) {
      const cnf = configFile(tmp, 'hoptrace local CA', [
        'basicConstraints = critical, CA:TRUE, pathlen:0',
        'keyUsage = critical, keyCertSign, cRLSign',
        'subjectKeyIdentifier = hash',
      ]);
      openssl(['req', '-x509', '-config', cnf, ...KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '825'], dir);
      created.push('ca');
    }
    for (const name of identities) {
      if (!existsSync(paths.cert(name)) || !existsSync(paths.key(name))) {
        const cnf = configFile(tmp, name, [
          'basicConstraints = critical, CA:FALSE',
          'keyUsage = critical, digitalSignature, keyEncipherment',
          'extendedKeyUsage = serverAuth, clientAuth',
          `subjectAltName = DNS:${name}, DNS:localhost, IP:127.0.0.1`,
          'authorityKeyIdentifier = keyid',
        ]);
        openssl(
          [
            'req',
            '-x509',
            '-config',
            cnf,
            ...KEY,
            '-keyout',
            `${name}.key`,
            '-out',
            `${name}.crt`,
            '-CA',
            'ca.crt',
            '-CAkey',
            'ca.key',
            '-days',
            days,
          ],
          dir,
        );
        created.push(name);
      }
      for (const use of ['postgres', 'kafka'] as const) {
        const file = paths.secret(use, name);
        // Hex: safe unquoted in any configuration syntax (JAAS, psql variables, URLs).
        if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('hex'), { mode: 0o600 });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const { '*': everyone, ...named } = options.owners ?? {};
  const secrets = readdirSync(join(dir, 'secrets')).map((f) => join(dir, 'secrets', f));
  // The CA's key stays root's alone (0600) in every case: no container user can issue a certificate.
  chmodSync(join(dir, 'ca.key'), 0o600);
  for (const file of [
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.key') && f !== 'ca.key')
      .map((f) => join(dir, f)),
    ...secrets,
  ]) {
    if (everyone) chownSync(file, everyone.uid, everyone.gid);
    chmodSync(file, everyone ? 0o640 : 0o600);
  }
  for (const folder of everyone ? [dir, join(dir, 'secrets')] : []) {
    chownSync(folder, everyone!.uid, everyone!.gid);
    chmodSync(folder, 0o750);
  }
  for (const [name, owner] of Object.entries(named)) {
    for (const file of [paths.key(name), paths.cert(name)]) chownSync(file, owner.uid, owner.gid);
    // PostgreSQL, for one, refuses a key that anyone but its owner may read.
    chmodSync(paths.key(name), 0o600);
  }
  return created;
}
