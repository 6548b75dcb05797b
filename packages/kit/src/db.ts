import pg from 'pg';
import type { Logger } from './logger';
import type { TlsIdentity } from './tls';

/** Secure mode: the role's generated password, and TLS verified against the stack's CA (host name included). */
export interface DatabaseSecurity {
  password?: string;
  tls?: TlsIdentity;
}

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/**
 * A connection pool that survives the database going away: idle clients that die emit an error
 * that would otherwise crash the process, and new queries reconnect once it is back.
 */
export function createPool(connectionString: string, logger: Logger, max = 10, security: DatabaseSecurity = {}): pg.Pool {
  const pool = new pg.Pool({
    ...connection(connectionString, security),
    max,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 10_000,
  });
  pool.on('error', (err) => logger.warn({ err: { message: err.message } }, 'idle database connection lost'));
  return pool;
}

/**
 * The URL as it is, or in secure mode its parts with the password and TLS: pg lets the URL's
 * (absent) password override a `password` given next to `connectionString`.
 */
function connection(connectionString: string, { password, tls }: DatabaseSecurity): pg.PoolConfig {
  if (!tls) return { connectionString };
  const url = new URL(connectionString);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    database: url.pathname.slice(1),
    password,
    ssl: { ca: tls.ca, rejectUnauthorized: true },
  };
}

/**
 * Runs `work` in one transaction on one pooled connection. A connection that dies while checked
 * out (Postgres restarted, the session terminated) emits 'error' on the client, which the pool
 * only handles for idle ones: unheard, it would crash the process. Heard here, the failure shows
 * up where it matters, as the rejection of the transaction's next query, and the broken
 * connection is discarded rather than returned to the pool.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Any constant: the key of the advisory lock that serialises migrations of one database. */
const MIGRATION_LOCK = 7_420_016;

/**
 * Applies idempotent DDL (CREATE … IF NOT EXISTS) at start-up, in one transaction holding an
 * advisory lock: two instances of a service starting together (the cluster profile's replicas)
 * would otherwise race, and IF NOT EXISTS is not safe against a concurrent CREATE (it fails on
 * pg_type's unique index). The lock ends with the transaction.
 */
export async function migrate(pool: pg.Pool, statements: string[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    for (const sql of statements) await tx.query(sql);
  });
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** True when a pg error means the database cannot be reached, not that the query was wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i.test(
    e.message ?? '',
  );
}
