/** Counters read straight from the processes' own /metrics endpoints (no wait for a Prometheus scrape). */

async function scrape(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? await res.text() : undefined;
  } catch { return undefined; }
}

/** Sum of every sample of `name` (any labels) in a Prometheus text exposition; 0 when absent. */
export function sumOf(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m && m[1] === name) sum += Number(m[3]);
  }
  return sum;
}

/**
 * Spans the services' export buffers dropped since they started (hoptrace.telemetry.spans.dropped,
 * which appears only once something was dropped). Undefined when a service does not answer
 * (untraced: the SDK, and with it /metrics, is off).
 */
export async function spansDroppedBySdk(metricsUrls: string[]): Promise<number | undefined> {
  let total = 0;
  for (const url of metricsUrls) {
    const text = await scrape(url);
    if (text === undefined) return undefined;
    total += sumOf(text, 'hoptrace_telemetry_spans_dropped_total');
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

export const counterDelta = (a: CollectorCounters, b: CollectorCounters): CollectorCounters =>
  ({ accepted: b.accepted - a.accepted, refused: b.refused - a.refused, failed: b.failed - a.failed, exportFailed: b.exportFailed - a.exportFailed });
