import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CHECKS, countByCheck, orderIdsOf, runChecks, type Finding } from './checks';
import { JaegerClient, JaegerError, type JaegerTrace } from './jaeger';
import { formatTree, fromJaeger, orphans, servicesOf, type Trace } from './model';

const USAGE = `usage: npm run trace:check -- (--trace <id>... | --trace-file <file> | --since <10m> [--service <name>])
         [--expect-services a,b,c] [--expect-browser] [--wait <seconds>] [--no-related] [--limit <n>]
         [--json] [--tree] [--verbose] [--jaeger <url>]
Checks traces read from Jaeger for ${CHECKS.join(', ')}.
Exit code: 0 clean, 1 findings, 2 usage or connection error (or a trace not found).`;

class UsageError extends Error {}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match?.[1] || !match[2]) throw new UsageError(`--since wants a duration like 90s, 10m or 2h, not "${text}"`);
  return Number(match[1]) * (UNIT_MS[match[2]] ?? 0);
}

function parseCli(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      trace: { type: 'string', multiple: true },
      'trace-file': { type: 'string' },
      since: { type: 'string' },
      service: { type: 'string' },
      'expect-services': { type: 'string' },
      'expect-browser': { type: 'boolean', default: false },
      wait: { type: 'string', default: '0' },
      'no-related': { type: 'boolean', default: false },
      limit: { type: 'string', default: '500' },
      json: { type: 'boolean', default: false },
      tree: { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      jaeger: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const ids = [...(values.trace ?? [])];
  if (values['trace-file']) {
    const lines = readFileSync(values['trace-file'], 'utf8')
      .split('\n')
      .map((l) => l.trim());
    ids.push(...lines.filter((l) => l !== '' && !l.startsWith('#')));
  }
  const bad = ids.find((id) => !/^[0-9a-f]{1,32}$/i.test(id));
  if (bad) throw new UsageError(`"${bad}" is not a trace id (up to 32 hex digits)`);
  if (!values.help && ids.length === 0 && !values.since) throw new UsageError('give --trace, --trace-file or --since');
  const waitSeconds = Number(values.wait);
  const limit = Number(values.limit);
  if (!(waitSeconds >= 0)) throw new UsageError(`--wait wants seconds, not "${values.wait}"`);
  if (!(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit wants a positive integer, not "${values.limit}"`);
  return {
    help: values.help,
    ids: [...new Set(ids.map((id) => id.toLowerCase()))],
    sinceMs: values.since ? parseDurationMs(values.since) : undefined,
    service: values.service,
    expectedServices: values['expect-services']
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    expectBrowser: values['expect-browser'],
    waitMs: waitSeconds * 1_000,
    related: !values['no-related'],
    limit,
    json: values.json,
    tree: values.tree,
    verbose: values.verbose,
    jaeger: values.jaeger,
  };
}

const progress = (message: string): void => {
  process.stderr.write(`trace:check: ${message}\n`);
};

/**
 * Traces of the same orders found in the window after the given traces: when context is lost at
 * Kafka, the rest of the order lives in other traces, which the split-trace check must see.
 */
async function findRelated(jaeger: JaegerClient, traces: Trace[], limit: number): Promise<JaegerTrace[]> {
  const orderIds = new Set(traces.flatMap((t) => [...orderIdsOf(t)]));
  if (orderIds.size === 0) return [];
  const startUs = Math.min(...traces.flatMap((t) => t.spans.map((s) => s.startUs))) - 60_000_000;
  const services = (await jaeger.services()).filter((s) => s !== 'jaeger');
  const found: JaegerTrace[] = [];
  progress(`looking for other traces of order ${[...orderIds].join(', ')}`);
  for (const orderId of orderIds) {
    for (const key of ['order.id', 'messaging.kafka.message.key']) {
      found.push(
        ...(await jaeger.findTracesInWindow({
          services,
          startUs,
          endUs: Date.now() * 1_000,
          limit,
          tags: { [key]: orderId },
        })),
      );
    }
  }
  return found;
}

async function loadTraces(jaeger: JaegerClient, options: ReturnType<typeof parseCli>) {
  const byId = new Map<string, Trace>();
  const notFound: string[] = [];
  for (const id of options.ids) {
    if (options.waitMs > 0) progress(`waiting up to ${options.waitMs / 1_000}s for trace ${id}`);
    // Orphans in a fresh trace mostly mean a parent's batch is still on its way: keep waiting for it.
    const isComplete = (trace: JaegerTrace): boolean => orphans(fromJaeger(trace)).length === 0;
    const raw = options.waitMs > 0 ? await jaeger.waitForTrace(id, options.waitMs, { isComplete }) : await jaeger.getTrace(id);
    if (raw) byId.set(raw.traceID, fromJaeger(raw));
    else notFound.push(id);
  }
  if (options.related && byId.size > 0) {
    for (const raw of await findRelated(jaeger, [...byId.values()], options.limit)) {
      if (!byId.has(raw.traceID)) byId.set(raw.traceID, fromJaeger(raw));
    }
  }
  if (options.sinceMs !== undefined) {
    const endUs = Date.now() * 1_000;
    progress(`searching traces of the last ${options.sinceMs / 1_000}s at ${jaeger.baseUrl}`);
    const found = await jaeger.findTracesInWindow(
      {
        services: options.service ? [options.service] : undefined,
        startUs: endUs - options.sinceMs * 1_000,
        endUs,
        limit: options.limit,
      },
      progress,
    );
    for (const raw of found) if (!byId.has(raw.traceID)) byId.set(raw.traceID, fromJaeger(raw));
  }
  return { traces: [...byId.values()], notFound };
}

// A --since window holds hundreds of one-query traces (the outbox relay polls every few seconds),
// so clean traces are listed only when few, or with --verbose.
const MAX_CLEAN_LISTED = 20;

function printHuman(traces: Trace[], findings: Finding[], notFound: string[], tree: boolean, verbose: boolean): void {
  const out: string[] = [];
  const listClean = verbose || traces.length <= MAX_CLEAN_LISTED;
  for (const trace of traces) {
    const count = findings.filter((f) => f.traceId === trace.traceId).length;
    if (count === 0 && !listClean) continue;
    out.push(`${trace.traceId}  ${trace.spans.length} spans  ${servicesOf(trace).join(',')}  ${count ? `${count} findings` : 'ok'}`);
    if (tree) out.push(formatTree(trace), '');
  }
  const clean = traces.filter((t) => !findings.some((f) => f.traceId === t.traceId)).length;
  if (!listClean && clean > 0) out.push(`(${clean} clean traces not listed; --verbose lists them)`);
  for (const id of notFound) out.push(`${id}  not found in Jaeger`);
  for (const check of CHECKS) {
    const group = findings.filter((f) => f.check === check);
    if (group.length === 0) continue;
    out.push('', `${check} (${group.length})`);
    for (const f of group) out.push(`  ${f.traceId}${f.spanId ? `/${f.spanId}` : ''}${f.service ? ` [${f.service}]` : ''}: ${f.message}`);
  }
  out.push(
    '',
    `${traces.length} traces checked, ${findings.length} findings${notFound.length ? `, ${notFound.length} traces not found` : ''}`,
  );
  console.log(out.join('\n'));
}

export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(argv);
  } catch (error) {
    console.error(`trace:check: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const jaeger = new JaegerClient({ baseUrl: options.jaeger });
  let loaded: Awaited<ReturnType<typeof loadTraces>>;
  try {
    loaded = await loadTraces(jaeger, options);
  } catch (error) {
    if (!(error instanceof JaegerError)) throw error;
    console.error(`trace:check: ${error.message}`);
    return 2;
  }
  const { traces, notFound } = loaded;
  const findings = runChecks(traces, {
    expectedServices: options.expectedServices,
    expectBrowser: options.expectBrowser,
  });
  if (options.json) {
    console.log(JSON.stringify({ traces: traces.length, notFound, findings, byCheck: countByCheck(findings) }, null, 2));
  } else {
    printHuman(traces, findings, notFound, options.tree, options.verbose);
  }
  if (notFound.length > 0) return 2;
  return findings.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}
