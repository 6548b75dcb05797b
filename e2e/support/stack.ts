import { Services } from '@hoptrace/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { AddressMap } from '../../infra/native/src/addresses';
import { callControl, controlSocket } from '../../infra/native/src/control';
import { resolvePaths } from '../../infra/native/src/paths';
import { loadRunningProject } from '../../infra/native/src/project';
import type { Status } from '../../infra/native/src/supervisor';

/**
 * The running native stack as tests see it: addresses derived from docker-compose.yml the same way
 * the runner derives them, component control through the runner's socket, and direct clients for
 * checking the data (Postgres) and the messages (Kafka).
 */
const paths = resolvePaths();
/** The stack's profiles: COMPOSE_PROFILES, else those of the last `npm start`. */
export const project = loadRunningProject(paths);
const services = project.all;
const addresses = new AddressMap(services);
const socket = controlSocket(paths);

/** A service's environment as docker-compose.yml gives it (x-otel included). */
export const composeEnvironment = (service: string): Record<string, string> => services.find((s) => s.name === service)?.environment ?? {};

export const hostPort = (service: string, containerPort: number) => `${addresses.host}:${addresses.port(service, containerPort)}`;
export const gatewayUrl = process.env.HOPTRACE_GATEWAY_URL ?? `http://${hostPort('gateway', 8080)}`;
export const jaegerQueryUrl = process.env.JAEGER_QUERY_URL ?? `http://${hostPort('jaeger', 16686)}`;
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
  const client = new Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Every broker of the running profile: a client outlives any one of them being down. */
const brokers = project.services.filter((s) => s.native?.kind === 'kafka').map((s) => hostPort(s.name, 9092));

export function kafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
}

/** payments' gRPC API (hoptrace.payments.v1.Payments) as the host reaches it. */
export const paymentsGrpcTarget = () => hostPort(Services.payments.name, Services.payments.grpcPort!);
export const cacheDir = paths.cache;
