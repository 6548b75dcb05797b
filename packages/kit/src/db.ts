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
  const pool = new pg.Pool({ ...connection(connectionString, security), max, connectionTimeoutMillis: 2000, idleTimeoutMillis: 10_000 });
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
    host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), database: url.pathname.slice(1),
    password, ssl: { ca: tls.ca, rejectUnauthorized: true },
  };
}

export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Applies idempotent DDL (CREATE … IF NOT EXISTS) at start-up. */
export async function migrate(pool: pg.Pool, statements: string[]): Promise<void> {
  for (const sql of statements) await pool.query(sql);
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** True when a pg error means the database cannot be reached, not that the query was wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i.test(e.message ?? '');
}
