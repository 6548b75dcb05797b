import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { Outcome } from './client';

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface EndpointSummary extends Percentiles {
  endpoint: string;
  ok: number;
  /** `<status> <code>` → count, e.g. `502 dependency_unavailable`, `0 UND_ERR_HEADERS_TIMEOUT`. */
  errors: Record<string, number>;
}

/**
 * Node's own HDR histogram (perf_hooks), in microseconds: percentiles of any number of samples in
 * constant memory, as the load libraries keep them.
 */
export class Latencies {
  private readonly histogram: RecordableHistogram = createHistogram();

  record(ms: number): void {
    this.histogram.record(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.count;
  }

  percentile(p: number): number {
    return this.histogram.count ? this.histogram.percentile(p) / 1000 : NaN;
  }

  summary(): Percentiles {
    return {
      count: this.count,
      p50Ms: this.percentile(50),
      p90Ms: this.percentile(90),
      p99Ms: this.percentile(99),
      maxMs: this.count ? this.histogram.max / 1000 : NaN,
    };
  }
}

export const percentilesOf = (values: number[]): Percentiles => {
  const l = new Latencies();
  for (const v of values) l.record(v);
  return l.summary();
};

/** What every request of a run did, per endpoint, with the last second's figures for the progress line. */
export class Recorder {
  private readonly endpoints = new Map<string, { latencies: Latencies; ok: number; errors: Map<string, number> }>();
  readonly all = new Latencies();
  inFlight = 0;
  errors = 0;
  private answeredThisSecond = 0;

  private of(endpoint: string) {
    let e = this.endpoints.get(endpoint);
    if (!e) this.endpoints.set(endpoint, (e = { latencies: new Latencies(), ok: 0, errors: new Map() }));
    return e;
  }

  record(endpoint: string, outcome: Outcome, ms: number): void {
    const e = this.of(endpoint);
    e.latencies.record(ms);
    this.all.record(ms);
    this.answeredThisSecond++;
    if (outcome.status >= 200 && outcome.status < 400) e.ok++;
    else this.error(endpoint, `${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`);
  }

  error(endpoint: string, key: string): void {
    const e = this.of(endpoint);
    e.errors.set(key, (e.errors.get(key) ?? 0) + 1);
    this.errors++;
  }

  /** Responses in the second since the last call. */
  takeSecond(): number {
    const n = this.answeredThisSecond;
    this.answeredThisSecond = 0;
    return n;
  }

  summary(): EndpointSummary[] {
    return [...this.endpoints].map(([endpoint, e]) => ({
      endpoint,
      ok: e.ok,
      errors: Object.fromEntries(e.errors),
      ...e.latencies.summary(),
    }));
  }
}
