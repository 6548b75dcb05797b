import type { CreatedOrder } from '@hoptrace/contracts';
import { expect, test } from '../support/fixtures';
import { JaegerUi, type MonitorSpanKind } from '../support/jaeger-ui';
import { orderRequest, placeOrder, traceIdOf, uniqueEmail, waitForOrder } from '../support/shop';
import { jaegerQueryUrl, prometheusUrl } from '../support/stack';
import { Storefront } from '../support/storefront';
import { KAFKA_HOPS, SERVICES, type TraceExpectation } from '../support/traces';

/**
 * The real Jaeger UI, served natively from jaeger-ui's release build (HOPTRACE_JAEGER_UI_ASSETS or
 * GitHub), as in compose: the storefront's link opens an order's trace in it, Search finds the
 * order by order.id, and the Monitor tab shows every service's RED metrics from Prometheus.
 */

const KAFKA_SPANS = KAFKA_HOPS.flatMap((hop) => [
  { service: hop.producer, name: `send ${hop.topic}` },
  ...hop.consumers.map((service) => ({ service, name: `process ${hop.topic}` })),
]);

const COMPLETE: TraceExpectation = {
  describe: 'every service and every Kafka hop of the order',
  services: SERVICES,
  spans: KAFKA_SPANS,
  until: (t) => t.spans.every((s) => s.parentSpanId === undefined || t.spans.some((p) => p.spanId === s.parentSpanId)),
};

/** A happy-path order through the API, completed; returns it with its trace id. */
async function completedOrder(tag: string): Promise<{ id: string; traceId: string }> {
  const res = await placeOrder<CreatedOrder>(orderRequest({ email: uniqueEmail(tag) }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await waitForOrder(res.body.id, ['completed'], 60_000);
  return { id: res.body.id, traceId: traceIdOf(res)! };
}

test('"View trace in Jaeger" opens the order\'s trace in the real Jaeger UI, with every service, the Kafka spans and span attributes', async ({
  page,
  traces,
}) => {
  const shop = new Storefront(page);
  await shop.open();
  await shop.addToCart('MUG-01');
  await shop.checkout(uniqueEmail('jaeger-ui'));
  const orderId = await shop.orderIdOnPage();
  const traceId = await shop.traceIdOnPage();
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  // Jaeger shows what it has when the page loads: wait until every hop has reached it.
  await traces.waitFor(traceId, COMPLETE, 'order');

  const link = page.getByTestId('jaeger-link');
  const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
  const jaeger = new JaegerUi(popup);
  await expect(popup).toHaveURL(new RegExp(`:16686/trace/${traceId}$`));
  await jaeger.expectTraceShown(traceId);

  // The timeline lists every span (all rows are drawn before any scrolling).
  await expect(jaeger.timelineRows()).toHaveCount(await jaeger.totalSpans());
  expect(await jaeger.timelineServices()).toEqual(expect.arrayContaining([...SERVICES]));
  for (const span of KAFKA_SPANS) await expect(jaeger.span(span.service, span.name), `${span.service} ${span.name}`).toBeVisible();

  // A span's detail lists its attributes: the producer span of the order's OrderPlaced.
  const attributes = await jaeger.spanAttributes('orders', 'send orders.placed');
  expect(attributes).toMatchObject({
    'messaging.system': 'kafka',
    'messaging.destination.name': 'orders.placed',
    'messaging.kafka.message.key': orderId,
    'order.id': orderId,
  });
});

test("Search in the real Jaeger UI finds an order's trace by its order.id", async ({ page, traces }) => {
  const order = await completedOrder('jaeger-search');
  await traces.waitFor(order.traceId, COMPLETE, 'order');
  const jaeger = new JaegerUi(page);
  const results = await jaeger.search('orders', { 'order.id': order.id });
  await expect(results).toHaveCount(1);
  await expect(results.first().locator(`a[href="/trace/${order.traceId}"]`).first()).toBeVisible();
  for (const service of SERVICES)
    await expect(results.first().locator('.ResultItem--serviceTag', { hasText: new RegExp(`^${service} \\(\\d+\\)$`) })).toBeVisible();
  await results.first().locator(`a[href="/trace/${order.traceId}"]`).first().click();
  await jaeger.expectTraceShown(order.traceId);
});

/** The span kind whose RED metrics the Monitor shows for each service: HTTP servers, and the Kafka consumers. */
const MONITORED: Record<(typeof SERVICES)[number], MonitorSpanKind> = {
  gateway: 'Server',
  orders: 'Server',
  inventory: 'Server',
  payments: 'Server',
  fulfillment: 'Consumer',
  notifications: 'Consumer',
};

/** Services whose spanmetrics call counter Prometheus has scraped, for the span kind the Monitor shows. */
async function scrapedServices(): Promise<string[]> {
  const found: string[] = [];
  for (const [service, kind] of Object.entries(MONITORED)) {
    const query = `traces_span_metrics_calls_total{service_name="${service}",span_kind="SPAN_KIND_${kind.toUpperCase()}"}`;
    const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { data?: { result?: unknown[] } };
    if (body.data?.result?.length) found.push(service);
  }
  return found.sort();
}

type CallRates = { metrics?: { metricPoints: { gaugeValue?: { doubleValue?: number } }[] }[] };
const highestRate = (body: CallRates) =>
  Math.max(0, ...(body.metrics ?? []).flatMap((m) => m.metricPoints.map((p) => p.gaugeValue?.doubleValue ?? 0)));

/** Services whose per-operation call rate Jaeger's metrics API reports above zero, asked as the Monitor tab asks. */
async function servicesWithCallRate(): Promise<string[]> {
  const found: string[] = [];
  for (const [service, kind] of Object.entries(MONITORED)) {
    const params = new URLSearchParams({
      service,
      spanKind: kind.toLowerCase(),
      groupByOperation: 'true',
      endTs: String(Date.now()),
      lookback: String(3_600_000),
      step: '60000',
      ratePer: '600000',
    });
    const res = await fetch(`${jaegerQueryUrl}/api/metrics/calls?${params}`, { signal: AbortSignal.timeout(5_000) });
    if (res.ok && highestRate((await res.json()) as CallRates) > 0) found.push(service);
  }
  return found.sort();
}

test("the Monitor tab of the real Jaeger UI shows every service's operations with non-zero request rates from Prometheus", async ({
  page,
  traces,
}) => {
  // A rate needs the counter to rise between two scrapes: one order to have the series scraped
  // (a fresh stack has none), then another to raise them.
  const first = await completedOrder('jaeger-monitor');
  traces.track(first.traceId, 'first order');
  await expect.poll(scrapedServices, { message: 'spanmetrics series in Prometheus', timeout: 60_000 }).toEqual([...SERVICES].sort());
  const second = await completedOrder('jaeger-monitor');
  traces.track(second.traceId, 'second order');
  await expect
    .poll(servicesWithCallRate, { message: "services with a call rate in Jaeger's metrics API", timeout: 60_000 })
    .toEqual([...SERVICES].sort());

  const jaeger = new JaegerUi(page);
  await jaeger.openMonitor();
  for (const [service, kind] of Object.entries(MONITORED)) {
    const fetched = await jaeger.monitorService(service, kind);
    expect(highestRate((await fetched.json()) as CallRates), `${service}: the request rate the Monitor tab drew`).toBeGreaterThan(0);
    await expect(page.getByText(`Operations metrics under ${service}`)).toBeVisible();
    const operation = jaeger.monitorOperations().first();
    await expect(operation, `${service}: an operation in the table`).toBeVisible();
    await expect(operation.locator('.table-graph-avg').nth(1), `${service}: its request rate`).toHaveText(/req\/s$/);
  }
  await expect(page.getByText('No data yet!')).toHaveCount(0);
});
