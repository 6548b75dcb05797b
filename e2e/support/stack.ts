import { Services } from '@hoptrace/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { AddressMap } from '../../infra/native/src/addresses';
import { callControl, controlSocket } from '../../infra/native/src/control';
import { isSecureState, resolvePaths } from '../../infra/native/src/paths';
import { loadRunningProject } from '../../infra/native/src/project';
import { adminKafkaOptions } from '../../infra/native/src/secure/client';
import { securePki } from '../../infra/native/src/secure/pki';
import type { Status } from '../../infra/native/src/supervisor';

/**
 * The running native stack as tests see it: addresses derived from docker-compose.yml the same way
 * the runner derives them, component control through the runner's socket, and direct clients for
 * checking the data (Postgres) and the messages (Kafka).
 */
const paths = resolvePaths();
/** The stack was started with --secure: TLS and passwords, from the local CA's folder. */
export const secureMode = isSecureState(paths);
export const pki = secureMode ? securePki(paths) : undefined;
/** The stack's profiles (COMPOSE_PROFILES, else those of the last `npm start`) and its mode. */
export const project = loadRunningProject(paths);
const services = project.all;
const addresses = new AddressMap(services);
const socket = controlSocket(paths);

/** A service's environment as docker-compose.yml gives it (x-otel included). */
export const composeEnvironment = (service: string): Record<string, string> => services.find((s) => s.name === service)?.environment ?? {};

export const hostPort = (service: string, containerPort: number) => `${addresses.host}:${addresses.port(service, containerPort)}`;
export const gatewayUrl =
  process.env.HOPTRACE_GATEWAY_URL ?? (secureMode ? `https://${hostPort('gateway', 8443)}` : `http://${hostPort('gateway', 8080)}`);
export const jaegerQueryUrl = process.env.JAEGER_QUERY_URL ?? `${secureMode ? 'https' : 'http'}://${hostPort('jaeger', 16686)}`;
export const prometheusUrl = process.env.PROMETHEUS_URL ?? `http://${hostPort('prometheus', 9090)}`;

export type ComponentAction = 'start' | 'stop' | 'restart' | 'kill';

/** Stops, starts, restarts or SIGKILLs one component; resolves once the runner reports it done. */
export function stack(action: ComponentAction, name: string): Promise<Status> {
  return callControl<Status>(socket, 'POST', `/components/${name}/${action}`);
}

export function stackStatus(): Promise<Status[]> {
  return callControl<Status[]>(socket, 'GET', '/status');
}

/** A connection string for one of the stack's databases. */
export function databaseUrl(database: string): string {
  const env = services.find((s) => s.name === 'postgres')!.environment;
  return `postgres://${env.POSTGRES_USER}:${encodeURIComponent(env.POSTGRES_PASSWORD ?? '')}@${hostPort('postgres', 5432)}/${database}`;
}

/** Runs one query against a service's database and closes the connection. */
export async function query<T extends Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client(postgresLogin(database));
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** How the tests log in to a database: as the superuser, with TLS and its generated password in secure mode. */
export function postgresLogin(database: string, user?: string, password?: string): ClientConfig {
  const env = services.find((s) => s.name === 'postgres')!.environment;
  const base = { host: addresses.host, port: addresses.port('postgres', 5432), database, user: user ?? env.POSTGRES_USER };
  if (!pki) return { ...base, password: password ?? env.POSTGRES_PASSWORD };
  return {
    ...base,
    password: password ?? readFileSync(pki.secret('postgres', base.user ?? 'postgres'), 'utf8'),
    ssl: { ca: readFileSync(pki.ca), rejectUnauthorized: true },
  };
}

/** Every broker of the running profile: a client outlives any one of them being down. */
const brokers = project.services.filter((s) => s.native?.kind === 'kafka').map((s) => hostPort(s.name, 9092));

export function kafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, ...(pki ? adminKafkaOptions(pki) : {}) });
}

/**
 * Secure mode's secrets, for the leak checks: every generated password, and every base64 line of
 * every private key (the CA's included). Empty in the default mode.
 */
export function generatedSecrets(): string[] {
  if (!pki) return [];
  const passwords = readdirSync(join(pki.dir, 'secrets')).map((f) => readFileSync(join(pki.dir, 'secrets', f), 'utf8').trim());
  const keyLines = readdirSync(pki.dir)
    .filter((f) => f.endsWith('.key'))
    .flatMap((f) =>
      readFileSync(join(pki.dir, f), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('-----')),
    );
  return [...passwords, ...keyLines];
}

/** payments' gRPC API (hoptrace.payments.v1.Payments) as the host reaches it. */
export const paymentsGrpcTarget = () => hostPort(Services.payments.name, Services.payments.grpcPort!);
export const cacheDir = paths.cache;
