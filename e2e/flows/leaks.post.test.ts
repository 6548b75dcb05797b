import assert from 'node:assert/strict';
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fromJaeger, JaegerClient, type JaegerTrace } from '@hoptrace/traces';
import { resolvePaths } from '../../infra/native/src/paths';
import { leakIn, leaksInLine } from '../support/leaks';
import { adminToken } from '../support/shop';
import { generatedSecrets, jaegerQueryUrl, prometheusUrl } from '../support/stack';

/**
 * After the whole run: every span Jaeger holds for the run's window (every service), every line
 * under .hoptrace/logs/, and every Prometheus series the run produced, scanned for card numbers,
 * CVCs, raw emails and the admin token (and in secure mode the generated passwords and private keys).
 * Any hit fails, naming where.
 */
const startMs = Number(process.env.HOPTRACE_RUN_STARTED_AT ?? Date.now() - 3_600_000);
const token = adminToken();
// Secure mode: its generated passwords and private keys too (none in the default mode).
const secrets = generatedSecrets();
// Searches over a whole run's window are heavy for Jaeger on two busy cores: a patient client.
const jaeger = new JaegerClient({ baseUrl: jaegerQueryUrl, timeoutMs: 60_000 });
const report = (hits: string[]) => `${hits.length} leaks:\n  ${hits.slice(0, 25).join('\n  ')}`;

/** Every trace of one service in a window: halved until each slice holds fewer than the page. */
async function tracesOf(service: string, startUs: number, endUs: number, seen: Set<string>, out: JaegerTrace[]): Promise<void> {
  const PAGE = 500;
  const found = await jaeger.findTraces({ service, startUs, endUs, limit: PAGE });
  if (found.length >= PAGE && endUs - startUs > 2000) {
    const mid = Math.floor((startUs + endUs) / 2);
    await tracesOf(service, startUs, mid, seen, out);
    await tracesOf(service, mid, endUs, seen, out);
    return;
  }
  for (const t of found)
    if (!seen.has(t.traceID)) {
      seen.add(t.traceID);
      out.push(t);
    }
}

test('no span of the run holds a card number, a CVC, an email or the admin token', { timeout: 300_000 }, async (t) => {
  const services = (await jaeger.services()).filter((s) => s !== 'jaeger');
  const seen = new Set<string>();
  const traces: JaegerTrace[] = [];
  for (const service of services) await tracesOf(service, startMs * 1000, Date.now() * 1000, seen, traces);
  const hits: string[] = [];
  let spans = 0;
  for (const raw of traces) {
    for (const span of fromJaeger(raw).spans) {
      spans++;
      const where = `trace ${raw.traceID} span "${span.name}" (${span.service})`;
      for (const [key, value] of Object.entries(span.attributes)) {
        const kind = leakIn(key, value, token, secrets);
        if (kind) hits.push(`${where} attribute ${key}: ${kind}`);
      }
      for (const event of span.events) {
        for (const [key, value] of Object.entries(event.attributes)) {
          const kind = leakIn(key, value, token, secrets);
          if (kind) hits.push(`${where} event ${event.name} ${key}: ${kind}`);
        }
      }
    }
  }
  t.diagnostic(`${traces.length} traces, ${spans} spans of ${services.length} services scanned`);
  assert.ok(spans > 0, 'the run left spans to scan');
  assert.deepEqual(hits, [], report(hits));
});

test('no log line under .hoptrace/logs/ holds a card number, a CVC, an email or the admin token', async (t) => {
  const dir = join(resolvePaths().state, 'logs');
  const hits: string[] = [];
  let lines = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
    let n = 0;
    for await (const line of createInterface({ input: createReadStream(join(dir, file)) })) {
      n++;
      lines++;
      const kind = leaksInLine(line, token, secrets);
      if (kind) hits.push(`.hoptrace/logs/${file}:${n}: ${kind}`);
    }
  }
  t.diagnostic(`${lines} log lines scanned`);
  assert.ok(lines > 0, 'the run left logs to scan');
  assert.deepEqual(hits, [], report(hits));
});

test('no Prometheus series of the run holds a card number, a CVC, an email or the admin token', async (t) => {
  const params = new URLSearchParams({ 'match[]': '{__name__=~".+"}', start: String(startMs / 1000), end: String(Date.now() / 1000) });
  const res = await fetch(`${prometheusUrl}/api/v1/series?${params}`, { signal: AbortSignal.timeout(60_000) });
  assert.equal(res.status, 200);
  const series = ((await res.json()) as { data: Record<string, string>[] }).data;
  const hits: string[] = [];
  for (const labels of series) {
    for (const [name, value] of Object.entries(labels)) {
      const kind = leakIn(name, value, token, secrets);
      if (kind) hits.push(`series ${labels.__name__} label ${name}: ${kind}`);
    }
  }
  t.diagnostic(`${series.length} series scanned`);
  assert.ok(series.length > 0, 'the run produced series');
  assert.deepEqual(hits, [], report(hits));
});
