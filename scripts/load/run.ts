import { randomBytes } from 'node:crypto';
import type { CreatedOrder } from '@hoptrace/contracts';
import { JaegerClient } from '@hoptrace/traces';
import { ShopClient } from './client';
import { runClosedModel, runOpenModel, type Arrival } from './models';
import { deliveriesOf, settleOrders, type SettledOrder } from './settle';
import { auditSpans, expectedSpans, type SpanAudit } from './spans';
import { percentilesOf, Recorder, type EndpointSummary, type Percentiles } from './stats';
import { ENDPOINTS, faultBaggage, faulted, loadOrder, mixSequence, type Action, type FaultSpec, type Mix } from './workload';

export type LoadModel =
  | { kind: 'open'; ratePerSecond: number; durationMs: number; arrivals: 'uniform' | 'poisson'; maxInFlight: number }
  | { kind: 'closed'; concurrency: number; orders?: number; durationMs?: number };

export interface LoadOptions {
  gatewayUrl: string;
  jaegerUrl: string;
  adminToken: string;
  model: LoadModel;
  mix: Mix;
  faults: FaultSpec[];
  /** Compare each order's trace with a clean order's (off when the services run untraced). */
  checkSpans: boolean;
  /** How long accepted orders get to reach completed or failed after the load stopped. */
  settleTimeoutMs: number;
  /** Called once a second with the progress line; none when undefined. */
  progress?: (line: string) => void;
  /** Measurement hooks (the benchmark's CPU window): around the load, and once orders settled. */
  hooks?: {
    loadStarted?: () => void;
    loadEnded?: () => void;
    settled?: () => Promise<void> | void;
    /** Every answered request: its endpoint, latency from when it was due, and when it was due (epoch ms). */
    answered?: (endpoint: string, latencyMs: number, dueAtMs: number) => void;
  };
}

export interface PlacedOrder {
  id: string;
  traceId: string;
  faulted: boolean;
  acceptedAt: number;
}

export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

export interface LoadReport {
  model: LoadModel;
  startedAt: string;
  /** Wall time of the load itself (not the settling and checks after it). */
  elapsedMs: number;
  requests: number;
  achievedPerSecond: number;
  endpoints: EndpointSummary[];
  orders: { accepted: number; rejected: number; completed: number; failed: number; unsettled: number };
  /** Accepted → completed, from each order's own timeline (placed → completed), orders without a fault. */
  acceptedToCompleted: Percentiles;
  invariants: Invariant[];
  spans?: SpanAudit;
  placed: PlacedOrder[];
  settled: SettledOrder[];
}

const secondsSince = (t: number) => `${((performance.now() - t) / 1000).toFixed(0).padStart(3)} s`;
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : '-');

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const client = new ShopClient(options.gatewayUrl, options.adminToken);
  const jaeger = new JaegerClient({ baseUrl: options.jaegerUrl });
  const runId = randomBytes(4).toString('hex');
  const recorder = new Recorder();
  const placed: PlacedOrder[] = [];
  const action = mixSequence(options.mix);
  let ordersSent = 0;
  try {
    // A clean order alone, before the load: the trace every order's is compared with.
    let expected: Awaited<ReturnType<typeof expectedSpans>> | undefined;
    if (options.checkSpans) {
      const reference = await client.request('POST', '/api/orders', loadOrder(`${runId}-reference`, 0));
      if (reference.status !== 201)
        throw new Error(`the reference order was answered ${reference.status} ${reference.code ?? ''}: is the stack healthy?`);
      const ref = reference.body as CreatedOrder;
      if (!ref.traceId)
        throw new Error(
          'the reference order came back without a trace id: the services run untraced (OTEL_SDK_DISABLED?); add --no-span-check',
        );
      const [state] = [...(await settleOrders([ref.id], 30_000)).values()];
      if (state?.status !== 'completed')
        throw new Error(`the reference order ${ref.id} did not complete within 30 s (status ${state?.status ?? 'unknown'})`);
      expected = await expectedSpans(jaeger, ref.traceId);
    }

    const send = async (arrival: Arrival, chosen: Action = action(arrival.index)): Promise<void> => {
      recorder.inFlight++;
      const record = (endpoint: string, outcome: Parameters<Recorder['record']>[1]) => {
        const latency = performance.now() - arrival.dueAt;
        recorder.record(endpoint, outcome, latency);
        options.hooks?.answered?.(endpoint, latency, Date.now() - latency);
      };
      try {
        if (chosen === 'status' && placed.length === 0) chosen = 'browse'; // nothing to look up yet
        if (chosen === 'order') {
          const n = ordersSent++;
          const faults = options.faults.filter((f) => faulted(n, f.share));
          const outcome = await client.request('POST', '/api/orders', loadOrder(runId, n), faultBaggage(faults));
          record(ENDPOINTS.order, outcome);
          if (outcome.status === 201) {
            const body = outcome.body as CreatedOrder;
            placed.push({ id: body.id, traceId: body.traceId, faulted: faults.length > 0, acceptedAt: Date.now() });
          }
        } else if (chosen === 'browse') {
          record(ENDPOINTS.browse, await client.request('GET', '/api/products'));
        } else {
          const order = placed[Math.floor(Math.random() * placed.length)]!;
          record(ENDPOINTS.status, await client.request('GET', `/api/orders/${order.id}`));
        }
      } finally {
        recorder.inFlight--;
      }
    };

    options.hooks?.loadStarted?.();
    const started = performance.now();
    const startedAt = new Date().toISOString();
    const ticker =
      options.progress &&
      setInterval(() => {
        const all = recorder.all;
        options.progress!(
          `${secondsSince(started)}  ${String(recorder.takeSecond()).padStart(4)} req/s  in flight ${String(recorder.inFlight).padStart(4)}  errors ${recorder.errors}  p50 ${ms(all.percentile(50))}  p99 ${ms(all.percentile(99))}`,
        );
      }, 1000);
    const model = options.model;
    try {
      if (model.kind === 'open') {
        await runOpenModel(model, send, (a) =>
          recorder.error(ENDPOINTS[action(a.index)], `client max in flight (${model.maxInFlight}) reached`),
        );
      } else {
        // The closed model places orders only: it measures order throughput at a concurrency.
        await runClosedModel({ concurrency: model.concurrency, count: model.orders, durationMs: model.durationMs }, (a) =>
          send(a, 'order'),
        );
      }
    } finally {
      if (ticker) clearInterval(ticker);
    }
    const elapsedMs = performance.now() - started;
    options.hooks?.loadEnded?.();

    const settled = await settleOrders(
      placed.map((o) => o.id),
      options.settleTimeoutMs,
    );
    await options.hooks?.settled?.();
    const states = placed.map((o) => settled.get(o.id));
    const completed = placed.filter((o) => settled.get(o.id)?.status === 'completed');
    const unsettled = placed.filter((o) => !['completed', 'failed'].includes(settled.get(o.id)?.status ?? ''));
    const deliveries = await deliveriesOf(completed.map((o) => o.id));
    const clean = completed.filter((o) => !o.faulted);
    const spans = expected
      ? await auditSpans(
          jaeger,
          clean.map((o) => o.traceId),
          expected.expected,
        )
      : undefined;
    const list = (ids: string[]) => `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` … (${ids.length})` : ''}`;
    const invariants: Invariant[] = [
      {
        name: 'every accepted order reached completed or failed',
        ok: unsettled.length === 0,
        detail: unsettled.length
          ? `${unsettled.length} still ${[...new Set(unsettled.map((o) => settled.get(o.id)?.status ?? 'unknown'))].join('/')} after ${options.settleTimeoutMs / 1000} s: ${list(unsettled.map((o) => o.id))}`
          : `${placed.length} of ${placed.length}`,
      },
      {
        name: 'one shipment per completed order',
        ok: deliveries.shipments.length === 0,
        detail: deliveries.shipments.length
          ? list(deliveries.shipments.map((d) => `${d.orderId} ×${d.count}`))
          : `${completed.length} of ${completed.length}`,
      },
      {
        name: 'one notification per completed order',
        ok: deliveries.notifications.length === 0,
        detail: deliveries.notifications.length
          ? list(deliveries.notifications.map((d) => `${d.orderId} ×${d.count}`))
          : `${completed.length} of ${completed.length}`,
      },
      ...(spans
        ? [
            {
              name: "every completed order's trace holds the spans a clean order has",
              ok: spans.missing.length === 0,
              detail: spans.missing.length
                ? `${spans.missing.length} of ${spans.checked} short: ${list(
                    spans.missing.map(
                      (m) =>
                        `${m.traceId} (${Object.entries(m.missing)
                          .map(([s, n]) => `${s} −${n}`)
                          .join(', ')})`,
                    ),
                  )}`
                : `${spans.checked} of ${spans.checked}${spans.withExtra ? `; ${spans.withExtra} with extra spans (retries)` : ''}`,
            },
          ]
        : []),
    ];
    const requests = recorder.summary().reduce((s, e) => s + e.count, 0);
    return {
      model,
      startedAt,
      elapsedMs,
      requests,
      achievedPerSecond: requests / (elapsedMs / 1000),
      endpoints: recorder.summary(),
      orders: {
        accepted: placed.length,
        rejected: ordersSent - placed.length,
        completed: completed.length,
        failed: states.filter((s) => s?.status === 'failed').length,
        unsettled: unsettled.length,
      },
      acceptedToCompleted: percentilesOf(
        clean.flatMap((o) => {
          const s = settled.get(o.id);
          return s?.placedAt && s.completedAt ? [s.completedAt.getTime() - s.placedAt.getTime()] : [];
        }),
      ),
      invariants,
      spans,
      placed,
      settled: [...settled.values()],
    };
  } finally {
    await client.close();
  }
}
