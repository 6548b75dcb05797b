import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferedSpanExporter } from '../src/buffered-exporter';

const span = (name: string) => ({ name }) as unknown as ReadableSpan;

/** A collector that is down for its first `failures` export calls. */
function collector(failures: number) {
  const received: string[] = [];
  let calls = 0;
  const exporter: SpanExporter = {
    export(spans, done: (r: ExportResult) => void) {
      calls++;
      if (calls <= failures) return done({ code: ExportResultCode.FAILED });
      received.push(...spans.map((s) => s.name));
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => {},
  };
  return { exporter, received, calls: () => calls };
}

const exportNow = (e: SpanExporter, spans: ReadableSpan[]) => new Promise<ExportResult>((resolve) => e.export(spans, resolve));

test('a batch is accepted at once even while the collector is down', async () => {
  const down = collector(1_000);
  const buffered = new BufferedSpanExporter(down.exporter, 100, 5);
  assert.equal((await exportNow(buffered, [span('a')])).code, ExportResultCode.SUCCESS);
  assert.deepEqual(down.received, []);
});

test('spans made while the collector is down arrive, in order, once it is back', async () => {
  const flaky = collector(3);
  const buffered = new BufferedSpanExporter(flaky.exporter, 100, 5);
  await exportNow(buffered, [span('a'), span('b')]);
  await exportNow(buffered, [span('c')]);
  await buffered.forceFlush(5_000);
  assert.deepEqual(flaky.received, ['a', 'b', 'c']);
  assert.ok(flaky.calls() > 3, 'it retried');
});

test('past the bound the oldest batches are dropped, the newest kept', async () => {
  const down = collector(1_000_000);
  const buffered = new BufferedSpanExporter(down.exporter, 3, 1_000);
  for (const name of ['a', 'b', 'c', 'd', 'e']) await exportNow(buffered, [span(name)]);
  const queue = (buffered as unknown as { queue: ReadableSpan[][] }).queue.flat().map((s) => s.name);
  assert.deepEqual(queue, ['c', 'd', 'e']);
});
