import type { Server } from 'node:http';
import { shutdownTelemetry } from '@hoptrace/telemetry';
import type { Kafka } from 'kafkajs';
import type Koa from 'koa';
import { ConfigError } from './config';
import { closeServer, listen, listenRedirect, type HttpTls } from './http-server';
import { ensureTopics, keepTrying, type TopicLayout } from './kafka';
import type { Logger } from './logger';
import { presentIdentity } from './tls';

/** Something with a start and a graceful stop: a Kafka consumer. */
export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What a service is made of. It starts in this order (relay, consumers, gRPC, HTTP) and stops in
 * the order HTTP and gRPC, consumers, relay, producer, pool, then flushes telemetry, so that nothing is asked
 * to work after what it needs has gone.
 */
export interface ServiceParts {
  logger: Logger;
  /** Served once everything else has started; the first to stop taking work. */
  http: {
    app: Koa;
    port: number;
    details?: Record<string, unknown>;
    /** Secure mode: served over HTTPS on `port`. */
    tls?: HttpTls;
    /** Secure mode: a plain port that redirects every request to `port` (the gateway's 8080). */
    redirectFrom?: number;
  };
  /**
   * A gRPC server (@hoptrace/grpc's GrpcServer: the kit knows only its start and stop), started
   * with HTTP and stopped with it, before anything it needs goes.
   */
  grpc?: { server: { start(port: number): Promise<number>; stop(): Promise<void> }; port: number };
  /**
   * Started in the background, after the topics exist, retrying until Kafka answers: a service
   * starts, and answers HTTP, while Kafka is down.
   */
  kafka?: { client: Kafka; topics: string[]; layout?: TopicLayout; consumers: Startable[] };
  /** Background work that publishes (orders' outbox relay). */
  relay?: { start(): void; stop(): Promise<void> };
  producer?: { disconnect(): Promise<void> };
  pool?: { end(): Promise<void> };
}

/** A started service: its parts running, and the one way to stop them. */
export class ServiceLifecycle {
  private stopping = false;

  private constructor(
    readonly name: string,
    private readonly parts: ServiceParts,
    private readonly servers: Server[],
    private readonly consumersStarted: Promise<unknown>,
  ) {}

  static async start(name: string, parts: ServiceParts): Promise<ServiceLifecycle> {
    // Secure mode: the certificate it serves with is also the one it calls other services with.
    if (parts.http.tls) presentIdentity(parts.http.tls.identity);
    parts.relay?.start();
    let lifecycle: ServiceLifecycle | undefined;
    const { kafka } = parts;
    const consumersStarted = kafka
      ? keepTrying(
          'starting Kafka consumers',
          async () => {
            await ensureTopics(kafka.client, kafka.topics, kafka.layout);
            for (const consumer of kafka.consumers) await consumer.start();
          },
          parts.logger,
          () => lifecycle?.stopping ?? false,
        )
      : Promise.resolve();
    if (parts.grpc) await parts.grpc.server.start(parts.grpc.port);
    const { http } = parts;
    const servers = [await listen(http.app, http.port, http.tls)];
    if (http.redirectFrom !== undefined) servers.push(await listenRedirect(http.redirectFrom, http.port));
    parts.logger.info(
      {
        port: http.port,
        ...(parts.grpc ? { grpcPort: parts.grpc.port } : {}),
        ...(http.tls ? { tls: http.tls.clients, redirectFrom: http.redirectFrom } : {}),
        ...http.details,
      },
      `${name} listening`,
    );
    lifecycle = new ServiceLifecycle(name, parts, servers, consumersStarted);
    return lifecycle;
  }

  /** No new requests; consumers finish the message in hand and commit; then the rest closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    const { kafka, relay, producer, pool } = this.parts;
    try {
      await Promise.all([...this.servers.map(closeServer), this.parts.grpc?.server.stop()]);
      await this.consumersStarted;
      // In parallel: each waits out its fetch in flight (up to kafkajs' maxWaitTime, 5 s).
      await Promise.all((kafka?.consumers ?? []).map((consumer) => consumer.stop()));
      await relay?.stop();
      await producer?.disconnect();
      await pool?.end();
    } finally {
      await shutdownTelemetry().catch(() => undefined);
    }
  }
}

/** How long a graceful stop may take before the service gives up on it. */
const STOP_DEADLINE_MS = 20_000;

/**
 * Builds and starts a service and stops it on SIGTERM or SIGINT. Resolves with the exit code the
 * service's main should exit with: 0 after a graceful stop, 1 when it could not start (a
 * configuration error is one clear message) or did not stop within 20 s.
 */
export function runService(service: { name: string }, build: () => Promise<ServiceParts>): Promise<number> {
  const { name } = service;
  return new Promise<number>((resolve) => {
    build()
      .then((parts) =>
        ServiceLifecycle.start(name, parts).then((lifecycle) => {
          const { logger } = parts;
          let stopping = false;
          const stop = async (signal: string) => {
            if (stopping) return;
            stopping = true;
            logger.info({ signal }, `${name} stopping`);
            const force = setTimeout(() => {
              logger.error(`${name} did not stop within ${STOP_DEADLINE_MS / 1000} s; exiting`);
              resolve(1);
            }, STOP_DEADLINE_MS);
            force.unref();
            try {
              await lifecycle.stop();
              logger.info(`${name} stopped`);
            } catch (err) {
              logger.error({ err }, `${name} stopped with an error`);
            }
            resolve(0);
          };
          process.on('SIGTERM', () => void stop('SIGTERM'));
          process.on('SIGINT', () => void stop('SIGINT'));
        }),
      )
      .catch(async (err: unknown) => {
        if (err instanceof ConfigError) console.error(`${name}: ${err.message}`);
        else console.error(`${name}: failed to start:`, err);
        await shutdownTelemetry().catch(() => undefined);
        resolve(1);
      });
  });
}
