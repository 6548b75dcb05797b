/** Counters read straight from the processes' own /metrics endpoints (no wait for a Prometheus scrape). */

async function scrape(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sum of every sample of `name` in a Prometheus text exposition whose labels pass `labels` (any,
 * by default); 0 when absent.
 */
export function sumOf(text: string, name: string, labels: (l: string) => boolean = () => true): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m && m[1] === name && labels(m[2] ?? '')) sum += Number(m[3]);
  }
  return sum;
}

/**
 * Spans the services' SDKs lost since they started: those the batch span processor dropped with
 * its queue full or failed to export (otel.sdk.processor.span.processed with an error.type), and
 * those hoptrace's export buffer dropped (hoptrace.telemetry.spans.dropped). Both appear only once
 * something happened. Undefined when a service does not answer (untraced: the SDK, and with it
 * /metrics, is off).
 */
export async function spansDroppedBySdk(metricsUrls: string[]): Promise<number | undefined> {
  let total = 0;
  for (const url of metricsUrls) {
    const text = await scrape(url);
    if (text === undefined) return undefined;
    total +=
      sumOf(text, 'hoptrace_telemetry_spans_dropped_total') +
      sumOf(text, 'otel_sdk_processor_span_processed_total', (l) => /\berror_type="/.test(l));
  }
  return total;
}

/** Jaeger's own collector counters (its telemetry on :8888). */
export interface CollectorCounters {
  accepted: number;
  /** Refused by the receiver (e.g. memory limiter, back-pressure) or failed in it. */
  refused: number;
  failed: number;
  /** Failed to be written to the trace store. */
  exportFailed: number;
}

export async function collectorCounters(url: string): Promise<CollectorCounters | undefined> {
  const text = await scrape(url);
  if (text === undefined) return undefined;
  return {
    accepted: sumOf(text, 'otelcol_receiver_accepted_spans_total'),
    refused: sumOf(text, 'otelcol_receiver_refused_spans_total'),
    failed: sumOf(text, 'otelcol_receiver_failed_spans_total'),
    exportFailed: sumOf(text, 'otelcol_exporter_send_failed_spans_total'),
  };
}

export const counterDelta = (a: CollectorCounters, b: CollectorCounters): CollectorCounters => ({
  accepted: b.accepted - a.accepted,
  refused: b.refused - a.refused,
  failed: b.failed - a.failed,
  exportFailed: b.exportFailed - a.exportFailed,
});
