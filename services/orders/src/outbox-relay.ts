import type { Logger, MessageSender } from '@hoptrace/kit';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrdersStore, OutboxRow } from './store';


/**
 * Publishes outbox rows in order, each under the trace context of the request that wrote it (so
 * the send span is that request's child), and marks a row sent only after the broker acknowledged
 * it (acks=all). While Kafka or the database is down it backs off and tries again: rows wait,
 * none is lost, and a row sent but not marked is sent again with the same event id, which the
 * consumers deduplicate.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private lastError?: string;

  constructor(
    private readonly store: Pick<OrdersStore, 'unsentOutbox' | 'markSent'>,
    private readonly producer: MessageSender,
    private readonly logger: Logger,
    private readonly idleMs = 100,
    private readonly batchSize = 100,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the row in hand, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Sends what is pending now; returns how many rows were sent. */
  async relayOnce(): Promise<number> {
    const rows = await this.store.unsentOutbox(this.batchSize);
    for (const row of rows) {
      if (!this.running && this.loop) break;
      await this.send(row);
      await this.store.markSent(row.id);
    }
    return rows.length;
  }

  private async send(row: OutboxRow): Promise<void> {
    const parent = propagation.extract(ROOT_CONTEXT, row.headers);
    await context.with(parent, () => this.producer.send({
      topic: row.topic,
      acks: -1,
      messages: [{ key: row.key, value: JSON.stringify(row.payload) }],
    }));
  }

  private async run(): Promise<void> {
    let backoff = 250;
    while (this.running) {
      try {
        const sent = await this.relayOnce();
        if (this.lastError) this.logger.info('outbox relay recovered');
        this.lastError = undefined;
        backoff = 250;
        if (sent === 0) await sleep(this.idleMs);
      } catch (err) {
        const message = (err as Error).message;
        if (message !== this.lastError) this.logger.warn({ err: { message } }, `outbox relay failed; retrying with backoff`);
        this.lastError = message;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }
}
