import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { finish, hoptraceDashboard } from './hoptrace-dashboard';
import { timeseries } from './panels';
import { scope } from './variables';

/*
 * Node.js runtime metrics of every service instance (@opentelemetry/instrumentation-runtime-node).
 * Series are per instance because a restarted or second instance is a different process with its own
 * event loop and heap; the legend names both.
 */
const instance = 'service_name, service_instance_id';
const legend = '{{service_name}} {{service_instance_id}}';
const perInstance = (metric: string) => `max by (${instance}) (${metric}{${scope}})`;
const rate = (metric: string) => `sum by (${instance}) (rate(${metric}{${scope}}[$__rate_interval]))`;

const eventLoopDelay = (stat: string, what: string) =>
  timeseries({
    title: `Event loop delay ${stat}`,
    description:
      `${what} of the event loop delay per instance (perf_hooks.monitorEventLoopDelay), over the runtime ` +
      "instrumentation's sampling window: how late timers and I/O callbacks run. Tens of ms means CPU-bound work blocks the loop.",
    unit: units.Seconds,
    width: 8,
    min: 0,
    queries: [{ expr: perInstance(`nodejs_eventloop_delay_${stat}`), legend }],
  });

export function nodeRuntime(): Dashboard {
  return finish(
    hoptraceDashboard({
      uid: 'hoptrace-node-runtime',
      title: 'hoptrace / Node runtime',
      description: 'Event loop, heap and garbage collection of every service instance.',
      serviceSource: 'nodejs_eventloop_utilization',
    })
      .withPanel(eventLoopDelay('p50', 'Median'))
      .withPanel(eventLoopDelay('p99', '99th percentile'))
      .withPanel(eventLoopDelay('max', 'Maximum'))
      .withPanel(
        timeseries({
          title: 'Event loop utilization',
          description:
            'Share of time the event loop was busy rather than idle waiting for I/O, per instance. ' +
            'Near 100% the process cannot take more load, whatever the CPU count.',
          unit: units.PercentUnit,
          min: 0,
          max: 1,
          queries: [{ expr: perInstance('nodejs_eventloop_utilization'), legend }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'V8 heap used and committed',
          description:
            'Heap used: live and not yet collected objects, summed over V8 heap spaces. Committed: the size of ' +
            'those spaces. Used that keeps rising across GCs is a leak.',
          unit: units.BytesIEC,
          min: 0,
          queries: [
            { expr: `sum by (${instance}) (v8js_memory_heap_used{${scope}})`, legend: `${legend} used` },
            { expr: `sum by (${instance}) (v8js_memory_heap_space_size{${scope}})`, legend: `${legend} committed` },
          ],
        }),
      )
      .withPanel(
        timeseries({
          title: 'GC runs per second',
          description: 'Garbage collections per second per instance, all kinds (minor, major, incremental, weakcb).',
          unit: units.OpsPerSecond,
          width: 8,
          min: 0,
          queries: [{ expr: rate('v8js_gc_duration_count'), legend }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Time spent in GC',
          description:
            'Share of wall-clock time spent in garbage collection per instance: GC seconds per second. ' +
            'GC pauses block the event loop, so this adds to request latency.',
          unit: units.PercentUnit,
          width: 8,
          min: 0,
          queries: [{ expr: rate('v8js_gc_duration_sum'), legend }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'GC pause p99 by service',
          description: 'p99 duration of a single garbage collection per service, from the V8 GC histogram.',
          unit: units.Seconds,
          width: 8,
          min: 0,
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (le, service_name) (rate(v8js_gc_duration_bucket{${scope}}[$__rate_interval])))`,
              legend: '{{service_name}}',
            },
          ],
        }),
      ),
  );
}
