/**
 * Runs every query of every generated dashboard against the native Prometheus, as Grafana would,
 * over the time range of the test run: a panel that errors or stays empty after the end-to-end
 * flows is a dashboard bug or a metric that was renamed or never emitted. Natively there is no
 * Grafana (AGPL, never built here), so this test stands in for looking at the dashboards.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generatedDir } from '../src/dashboards';
import { panelsOf, type DashboardJson } from '../src/lint';

const PROMETHEUS_URL = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090';
const end = Date.now() / 1000;
const start = Number(process.env.HOPTRACE_RUN_STARTED_AT ?? Date.now() - 30 * 60_000) / 1000;
const STEP = 15;
/*
 * What Grafana would put in: $__interval is the step (15 s here), and $__rate_interval is
 * max($__interval + scrape interval, 4 x scrape interval) = max(15 s + 5 s, 20 s) = 20 s with the
 * datasource's 5 s scrape interval (timeInterval): the narrowest window Grafana ever uses, so the
 * strictest test of whether a short run produced enough samples.
 */
const BUILTINS: Record<string, string> = { __rate_interval: '20s', __interval: `${STEP}s`, __interval_ms: String(STEP * 1000) };

const dashboards = readdirSync(generatedDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(generatedDir, f), 'utf8')) as DashboardJson & { title: string });

interface PromResponse<T> {
  status: string;
  data: T;
  error?: string;
}
type Matrix = { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };

async function prometheus<T>(path: string, params: Record<string, string>): Promise<T> {
  const response = await fetch(`${PROMETHEUS_URL}${path}`, { method: 'POST', body: new URLSearchParams(params) });
  const body = (await response.json().catch(() => undefined)) as PromResponse<T> | undefined;
  if (!response.ok || body?.status !== 'success') throw new Error(body?.error ?? `HTTP ${response.status}`);
  return body.data;
}

/** `${name}`, `${name:fmt}`, `[[name]]` and `$name`, longest names first so $service never eats $service_x. */
function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/g, (whole, a, b, c) => {
    const name = (a ?? b ?? c) as string;
    return name in values ? values[name]! : whole;
  });
}

/** `label_values(selector, label)` the way Grafana's Prometheus datasource runs it: the label values API (GET only). */
async function labelValues(query: string, values: Record<string, string>): Promise<string[]> {
  const match = /^label_values\((.*),\s*(\w+)\)$/.exec(substitute(query, values).trim());
  if (!match) throw new Error(`not a label_values(selector, label) query: ${query}`);
  const params = new URLSearchParams({ 'match[]': match[1]!, start: String(start), end: String(end) });
  const response = await fetch(`${PROMETHEUS_URL}/api/v1/label/${match[2]}/values?${params}`);
  const body = (await response.json().catch(() => undefined)) as PromResponse<string[]> | undefined;
  if (!response.ok || body?.status !== 'success') throw new Error(body?.error ?? `HTTP ${response.status}`);
  return body.data;
}

/**
 * Variable values for one dashboard: each variable's own query must find values; the environment
 * is the run's (HOPTRACE_ENVIRONMENT, default local) when present, and multi-value variables take
 * their All value `.*`, which is what the dashboards open with.
 */
async function resolveVariables(dashboard: DashboardJson, failures: string[]): Promise<Record<string, string>> {
  const values: Record<string, string> = { ...BUILTINS };
  for (const variable of dashboard.templating?.list ?? []) {
    const v = variable as typeof variable & { multi?: boolean; includeAll?: boolean; allValue?: string };
    const found = await labelValues(String(v.query), values).catch((err: Error) => {
      failures.push(`${dashboard.title}: variable ${v.name} query failed: ${err.message}`);
      return [] as string[];
    });
    if (found.length === 0) failures.push(`${dashboard.title}: variable ${v.name} finds no values (${String(v.query)})`);
    const preferred = process.env.HOPTRACE_ENVIRONMENT ?? 'local';
    values[v.name] = v.includeAll ? (v.allValue ?? '.*') : found.includes(preferred) ? preferred : (found[0] ?? preferred);
  }
  return values;
}

/** One clear failure instead of one per query when Prometheus is not there at all. */
async function assertPrometheusUp(): Promise<void> {
  const ready = await fetch(`${PROMETHEUS_URL}/-/ready`).then(
    (r) => r.ok,
    () => false,
  );
  assert.ok(ready, `Prometheus is not ready at ${PROMETHEUS_URL} (set PROMETHEUS_URL, or start the stack with npm start)`);
}

async function rangeQuery(expr: string): Promise<Matrix> {
  return prometheus<Matrix>('/api/v1/query_range', { query: expr, start: String(start), end: String(end), step: String(STEP) });
}

/** A result with no series, or only NaN points (a quantile over buckets that never moved), draws nothing. */
const isEmpty = (m: Matrix) => m.result.every((s) => s.values.every(([, v]) => v === 'NaN'));

test('every panel query of every generated dashboard returns data from Prometheus over the run', async (t) => {
  await assertPrometheusUp();
  const failures: string[] = [];
  const verified: string[] = [];
  for (const dashboard of dashboards) {
    const values = await resolveVariables(dashboard, failures);
    for (const panel of panelsOf(dashboard)) {
      for (const target of panel.targets ?? []) {
        const where = `${dashboard.title} / "${panel.title}" / ${target.refId}`;
        const expr = substitute(target.expr ?? '', values);
        try {
          const result = await rangeQuery(expr);
          if (isEmpty(result)) failures.push(`${where}: empty result for ${expr}`);
          else verified.push(`${where}: ${result.result.length} series`);
        } catch (err) {
          failures.push(`${where}: query error ${(err as Error).message} for ${expr}`);
        }
      }
    }
  }
  t.diagnostic(`range ${new Date(start * 1000).toISOString()} .. ${new Date(end * 1000).toISOString()}, step ${STEP}s`);
  for (const line of verified) t.diagnostic(`ok ${line}`);
  assert.equal(failures.length, 0, `${failures.length} dashboard queries failed against ${PROMETHEUS_URL}:\n${failures.join('\n')}`);
});

// The end-to-end suite sets a global fault rule (the Chaos panel test), so the fault annotations
// must show it.
test('the fault annotations show the global fault the run injected', async (t) => {
  await assertPrometheusUp();
  const errors: string[] = [];
  for (const dashboard of dashboards) {
    const values = await resolveVariables(dashboard, []);
    for (const annotation of dashboard.annotations?.list ?? []) {
      const expr = substitute(annotation.target?.expr ?? '', values);
      const where = `${dashboard.title} / annotation "${annotation.name}"`;
      try {
        const result = await rangeQuery(expr);
        if (isEmpty(result)) errors.push(`${where}: no data for ${expr} (no global fault was active during the run?)`);
        else t.diagnostic(`${where}: ${result.result.length} series`);
      } catch (err) {
        errors.push(`${where}: query error ${(err as Error).message} for ${expr}`);
      }
    }
  }
  assert.equal(errors.length, 0, errors.join('\n'));
});
