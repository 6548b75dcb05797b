import type { Logger, MessageSender } from '@hoptrace/kit';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrdersStore, OutboxPass, OutboxRow } from './store';

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
 *
 * Several instances (the cluster profile's orders and orders-2) share one outbox, and each runs a
 * relay. Each pass holds the outbox's advisory lock from before it reads the unsent rows until
 * the COMMIT that marks those it sent (`OrdersStore.claimOutbox`); a relay woken while the other
 * holds it waits for the lock, then finds its row either sent or still there. Why this is right:
 *   - Never sent twice while both live: the lock admits one pass at a time, and a pass reads the
 *     unsent rows after it got the lock, so it sees every row the previous pass marked.
 *   - In order: a pass sends its rows one at a time in id order (the order they were committed,
 *     so an order's events in the order they happened), each acknowledged (acks=all) before the
 *     next, and passes follow one another. Per-row claiming (FOR UPDATE SKIP LOCKED) would not
 *     give this: a second relay would skip the rows the first holds and send later ones, an
 *     order's later event possibly before its earlier one.
 *   - A relay killed mid-send: its session ends with the process (the socket closes), Postgres
 *     rolls its pass back and releases the lock, and the other relay's next pass reads the killed
 *     one's unmarked rows and sends them, oldest first: those it had sent go again with the same
 *     event id, which the consumers deduplicate (processed_events), none is lost, and nothing
 *     after them was sent before them. A relay that lost its session but not its process (the
 *     database unreachable) may still finish the sends in hand while the other starts over: both
 *     send in id order, so the first copy of each event is still in order in its partition (an
 *     event's first copy is the earlier of its two, and each copy follows its predecessor's copy
 *     from the same relay), and the later copies are the duplicates the consumers drop.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private lastError?: string;
  /** A row was announced since the last look at the outbox: look again before idling. */
  private woken = false;
  private wakeUp?: () => void;

  constructor(
    private readonly store: Pick<OrdersStore, 'claimOutbox'>,
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

  /**
   * Sends what is pending now; returns how many rows were sent (0 when another relay held the
   * outbox for the whole idle period: it is sending them).
   */
  async relayOnce(): Promise<number> {
    const pass = await this.store.claimOutbox(this.batchSize, this.idleMs, async (rows): Promise<OutboxPass> => {
      const sent: string[] = [];
      for (const row of rows) {
        if (!this.running && this.loop) break;
        try {
          await this.send(row);
        } catch (failure) {
          return { sent, failure };
        }
        sent.push(row.id);
      }
      return { sent };
    });
    return pass?.sent.length ?? 0;
  }

  private async send(row: OutboxRow): Promise<void> {
    const parent = propagation.extract(ROOT_CONTEXT, row.headers);
    await context.with(parent, () =>
      this.producer.send({
        topic: row.topic,
        acks: -1,
        messages: [{ key: row.key, value: JSON.stringify(row.payload) }],
      }),
    );
  }

  /** Until the idle poll is due or a row is announced. */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
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
