import { diag, metrics } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

import { setTimeout as delay } from 'node:timers/promises';

/** Unref'd: a retry loop waiting for a collector that is down must never keep a process alive. */
const sleep = (ms: number) => delay(ms, undefined, { ref: false });

/**
 * Keeps spans while the collector is away. The batch span processor drops a batch whose export
 * failed; this exporter accepts every batch at once, queues it, and sends the queue in order,
 * retrying with backoff until the collector answers, so spans made while Jaeger is down arrive
 * once it is back. Bounded: past `maxSpans` the oldest batches go, counted in
 * hoptrace.telemetry.spans.dropped (a benchmark expects zero).
 */
export class BufferedSpanExporter implements SpanExporter {
  private readonly queue: ReadableSpan[][] = [];
  private queued = 0;
  private draining?: Promise<void>;
  private closed = false;
  private readonly dropped = metrics.getMeter('hoptrace.telemetry').createCounter('hoptrace.telemetry.spans.dropped', {
    unit: '{span}',
    description: 'spans dropped because the export queue was full',
  });

  constructor(
    private readonly inner: SpanExporter,
    private readonly maxSpans = 20_000,
    private readonly maxBackoffMs = 5_000,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.closed) return done({ code: ExportResultCode.FAILED });
    this.queue.push(spans);
    this.queued += spans.length;
    while (this.queued > this.maxSpans && this.queue.length > 1) {
      const lost = this.queue.shift()!;
      this.queued -= lost.length;
      this.dropped.add(lost.length);
      diag.warn(`span export queue full: dropped ${lost.length} spans`);
    }
    done({ code: ExportResultCode.SUCCESS });
    this.drain();
  }

  private drain(): Promise<void> {
    this.draining ??= this.sendQueued().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async sendQueued(): Promise<void> {
    let backoff = 250;
    while (this.queue.length) {
      const batch = this.queue[0]!;
      const result = await new Promise<ExportResult>((resolve) => this.inner.export(batch, resolve));
      if (result.code === ExportResultCode.SUCCESS) {
        this.queue.shift();
        this.queued -= batch.length;
        backoff = 250;
      } else {
        if (this.closed) return;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, this.maxBackoffMs);
      }
    }
  }

  /** Waits until the queue is sent, or `timeoutMs` passed (the collector may still be down). */
  async forceFlush(timeoutMs = 5_000): Promise<void> {
    if (this.queue.length) {
      // A referenced timer: whoever flushes waits for it, and the retries run meanwhile.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.drain(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.inner.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.closed = true;
    await this.inner.shutdown();
  }
}
