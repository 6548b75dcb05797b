import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { activeFaultsAnnotation } from './annotations';
import { finish, hoptraceDashboard } from './hoptrace-dashboard';
import { timeseries } from './panels';
import { scope } from './variables';

/*
 * RED metrics computed from spans by Jaeger's spanmetrics connector (infra/jaeger/config.yaml).
 * Only entry spans count as requests: SERVER for HTTP and gRPC, CONSUMER for Kafka (fulfillment and
 * notifications are driven by topics); client and internal spans would count each request again
 * (the gRPC panel shows both ends of its hop, each by its span kind).
 */
const entry = `${scope}, span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"`;
const calls = (matchers = '') => `traces_span_metrics_calls_total{${entry}${matchers}}`;
const errors = calls(', status_code="STATUS_CODE_ERROR"');
const rate = (selector: string) => `rate(${selector}[$__rate_interval])`;

/**
 * Errors by `labels`, 0 where there was traffic but no error: the connector only creates the
 * error series on a service's first error, and "No data" would read as "no traffic".
 */
const errorRate = (labels: string) => `sum by (${labels}) (${rate(errors)}) or 0 * sum by (${labels}) (${rate(calls())})`;

const quantile = (q: number, labels: string) =>
  `histogram_quantile(${q}, sum by (le, ${labels}) (${rate(`traces_span_metrics_duration_milliseconds_bucket{${entry}}`)}))`;

const latencyPanel = (q: number, name: string) =>
  timeseries({
    title: `Latency ${name} by service`,
    description:
      `${name} duration of entry spans (HTTP server and Kafka consumer) per service, from the spanmetrics ` +
      'duration histogram, so interpolated within its buckets. The dots are exemplars: click one to open its trace in Jaeger.',
    unit: units.Milliseconds,
    min: 0,
    queries: [{ expr: quantile(q, 'service_name'), legend: `{{service_name}} ${name}`, exemplar: true }],
  });

export function serviceOverview(): Dashboard {
  return finish(
    hoptraceDashboard({
      uid: 'hoptrace-service-overview',
      title: 'hoptrace / Service overview',
      description: 'Requests, errors and latency of every service, from the spans Jaeger receives.',
      serviceSource: 'traces_span_metrics_calls_total',
    })
      .annotation(activeFaultsAnnotation())
      .withPanel(
        timeseries({
          title: 'Requests per second by service and operation',
          description:
            'Entry spans per second: HTTP requests served (SERVER) and Kafka messages processed (CONSUMER), ' +
            'per service and span name.',
          unit: units.RequestsPerSecond,
          min: 0,
          queries: [{ expr: `sum by (service_name, span_name) (${rate(calls())})`, legend: '{{service_name}} {{span_name}}' }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Errors per second by service and operation',
          description:
            'Entry spans per second whose status is ERROR (HTTP 5xx, exceptions, failed message processing), ' +
            'per service and span name; 0 for operations that had traffic but no error.',
          unit: units.RequestsPerSecond,
          min: 0,
          queries: [{ expr: errorRate('service_name, span_name'), legend: '{{service_name}} {{span_name}}' }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Error ratio by service',
          description: 'Share of entry spans with status ERROR, per service: errors per second divided by requests per second.',
          unit: units.PercentUnit,
          min: 0,
          max: 1,
          queries: [
            {
              expr: `(${errorRate('service_name')}) / sum by (service_name) (${rate(calls())})`,
              legend: '{{service_name}}',
            },
          ],
        }),
      )
      .withPanel(latencyPanel(0.5, 'p50'))
      .withPanel(latencyPanel(0.95, 'p95'))
      .withPanel(latencyPanel(0.99, 'p99'))
      .withPanel(
        timeseries({
          title: 'Latency p95 by service and operation',
          description:
            'p95 duration of entry spans per service and span name: which operation makes a service slow. ' +
            'The dots are exemplars linking to traces in Jaeger.',
          unit: units.Milliseconds,
          width: 24,
          min: 0,
          queries: [{ expr: quantile(0.95, 'service_name, span_name'), legend: '{{service_name}} {{span_name}}', exemplar: true }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'gRPC calls per second by method and status code',
          description:
            'gRPC calls per second from both ends of the hop, orders calling (CLIENT) and payments serving ' +
            '(SERVER), per method and gRPC status code (0 OK, 3 INVALID_ARGUMENT, 9 FAILED_PRECONDITION for a declined card, ' +
            '4 DEADLINE_EXCEEDED, 14 UNAVAILABLE): from the rpc.method and rpc.grpc.status_code dimensions of the spanmetrics.',
          unit: units.RequestsPerSecond,
          width: 24,
          min: 0,
          queries: [
            {
              expr: `sum by (service_name, span_kind, rpc_method, rpc_grpc_status_code) (${rate(`traces_span_metrics_calls_total{${scope}, rpc_method!="", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CLIENT"}`)})`,
              legend: '{{service_name}} {{span_kind}} {{rpc_method}} {{rpc_grpc_status_code}}',
            },
          ],
        }),
      ),
  );
}
