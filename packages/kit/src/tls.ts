import { readFileSync } from 'node:fs';
import { Agent, setGlobalDispatcher } from 'undici';
import { z } from 'zod';
import { ConfigError, loadConfig } from './config';

/**
 * Secure mode's configuration, one section every service's schema spreads in (`...tlsVars`).
 * Unset, a service runs exactly as in the default mode; set, its files are read once at start-up
 * and a file that cannot be read stops the service with one line naming the variable.
 */
const readable = (what: string) =>
  z
    .string()
    .min(1)
    .transform((path, ctx) => {
      try {
        return readFileSync(path);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
        });
        return z.NEVER;
      }
    })
    .optional()
    .describe(what);

export const tlsVars = {
  TLS_CA_FILE: readable('secure mode: the CA certificate (PEM) that issued every certificate of the stack; the only one trusted'),
  TLS_CERT_FILE: readable("secure mode: this service's certificate (PEM), presented as server and as client"),
  TLS_KEY_FILE: readable("secure mode: this service's private key (PEM)"),
};

/** A generated password kept in a file (secure mode): its content, trimmed. Never logged. */
export const secretFileVar = (what: string) => readable(what).transform((b) => b?.toString('utf8').trim());

/** Who this service is, and the one CA it trusts. */
export interface TlsIdentity {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

type TlsConfig = { TLS_CA_FILE?: Buffer; TLS_CERT_FILE?: Buffer; TLS_KEY_FILE?: Buffer };

/** The TLS_* variables of an environment, read as a service reads them: for probes and one-shot tools. */
export function readTlsIdentity(environment: NodeJS.ProcessEnv = process.env): TlsIdentity | undefined {
  return tlsIdentity(loadConfig(z.object(tlsVars), environment));
}

/** The identity when secure mode is on (all three set), undefined when it is off (none set). */
export function tlsIdentity(config: TlsConfig): TlsIdentity | undefined {
  const { TLS_CA_FILE: ca, TLS_CERT_FILE: cert, TLS_KEY_FILE: key } = config;
  if (!ca && !cert && !key) return undefined;
  const missing = Object.entries({ TLS_CA_FILE: ca, TLS_CERT_FILE: cert, TLS_KEY_FILE: key })
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length)
    throw new ConfigError(
      `invalid configuration:\n  ${missing.map((k) => `set ${k}: secure mode needs TLS_CA_FILE, TLS_CERT_FILE and TLS_KEY_FILE together`).join('\n  ')}`,
    );
  return { ca: ca!, cert: cert!, key: key! };
}

/** Secure mode's database credentials: the service's role password, generated at the first secure start. */
export const databaseSecretVars = {
  DATABASE_PASSWORD_FILE: secretFileVar("secure mode: file holding the password of this service's database role"),
};

/** Secure mode's Kafka credentials: the SCRAM-SHA-512 password of the service's Kafka user (named as the service). */
export const kafkaSecretVars = {
  KAFKA_PASSWORD_FILE: secretFileVar("secure mode: file holding the SCRAM-SHA-512 password of this service's Kafka user"),
};

/**
 * Secure mode: every fetch of this process (the services' JSON clients) trusts only the stack's CA
 * and presents the service's certificate. The undici instrumentation still traces these calls and
 * injects traceparent: it listens on undici's diagnostics channels, which this Agent publishes on.
 */
export function presentIdentity(identity: TlsIdentity): void {
  setGlobalDispatcher(new Agent({ connect: { ca: identity.ca, cert: identity.cert, key: identity.key } }));
}

/** An internal service's HTTP part: in secure mode, mutual TLS (only clients with a certificate of the stack's CA). */
export function mutualTls(config: TlsConfig): { tls?: { identity: TlsIdentity; clients: 'mutual' } } {
  const identity = tlsIdentity(config);
  return identity ? { tls: { identity, clients: 'mutual' } } : {};
}
