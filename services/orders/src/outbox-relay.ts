import type { Logger, MessageSender } from '@hoptrace/kit';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrdersStore, OutboxRow } from './store';

/**
 * Publishes outbox rows in order, each under the trace context of the request that wrote it (so
 * the send span is that request's child), and marks rows sent only after the broker acknowledged
 * them (acks=all): one UPDATE for the rows of a batch, once they are all sent (or up to the one
 * whose send failed). While Kafka or the database is down it backs off and tries again: rows
 * wait, none is lost, and a row sent but not marked (a crash mid-batch) is sent again with the
 * same event id, which the consumers deduplicate.
 *
 * It wakes when this process commits a row (`wake()`, after the order's transaction), so a row
 * waits for no poll; the idle poll only catches rows nobody announced (written before a restart,
 * or by another instance).
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private lastError?: string;
  /** A row was announced since the last look at the outbox: look again before idling. */
  private woken = false;
  private wakeUp?: () => void;

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
    this.wakeUp?.();
    await this.loop;
  }

  /** A row was committed to the outbox: relay it now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Sends what is pending now; returns how many rows were sent. */
  async relayOnce(): Promise<number> {
    const rows = await this.store.unsentOutbox(this.batchSize);
    const sent: string[] = [];
    try {
      for (const row of rows) {
        if (!this.running && this.loop) break;
        await this.send(row);
        sent.push(row.id);
      }
    } finally {
      if (sent.length) await this.store.markSent(sent);
    }
    return sent.length;
  }

  private async send(row: OutboxRow): Promise<void> {
    const parent = propagation.extract(ROOT_CONTEXT, row.headers);
    await context.with(parent, () => this.producer.send({
      topic: row.topic,
      acks: -1,
      messages: [{ key: row.key, value: JSON.stringify(row.payload) }],
    }));
  }

  /** Until the idle poll is due or a row is announced. */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); this.wakeUp = undefined; resolve(); };
      const timer = setTimeout(done, this.idleMs);
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    let backoff = 250;
    while (this.running) {
      try {
        this.woken = false;
        const sent = await this.relayOnce();
        if (this.lastError) this.logger.info('outbox relay recovered');
        this.lastError = undefined;
        backoff = 250;
        if (sent === 0 && !this.woken && this.running) await this.idle();
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
