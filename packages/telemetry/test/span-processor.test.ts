import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { SelfObservedBatchSpanProcessor } from '../src/span-processor';

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

test('spans the batch processor drops on a full queue are counted as otel.sdk.processor.span.processed{error.type=queue_full}', async () => {
  const reader = new TestReader();
  // Made before the meter provider is global, as the preload makes it before NodeSDK starts.
  const exporter = new InMemorySpanExporter();
  const processor = new SelfObservedBatchSpanProcessor({
    exporter,
    maxQueueSize: 2,
    maxExportBatchSize: 2,
    scheduledDelayMillis: 60_000,
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('test');
  for (let i = 0; i < 10; i++) tracer.startSpan(`span ${i}`).end();
  await processor.forceFlush();
  const { resourceMetrics } = await reader.collect();
  const processed = resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === 'otel.sdk.processor.span.processed');
  const dropped = Number(processed?.dataPoints.find((p) => p.attributes['error.type'] === 'queue_full')?.value ?? 0);
  const exported = exporter.getFinishedSpans().length;
  assert.ok(dropped > 0, 'a queue of 2 overflows');
  assert.equal(dropped + exported, 10, `every span exported (${exported}) or counted dropped (${dropped})`);
  await processor.shutdown();
  metrics.disable();
});
