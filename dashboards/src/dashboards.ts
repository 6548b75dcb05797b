import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { join } from 'node:path';
import { kafkaCluster } from './kafka';
import { nodeRuntime } from './node-runtime';
import { orderPipeline } from './order-pipeline';
import { serviceOverview } from './service-overview';

/** Where the generated JSON lives; docker-compose mounts it into Grafana, and it is committed. */
export const generatedDir = join(__dirname, '..', 'generated');

export function allDashboards(): Dashboard[] {
  return [serviceOverview(), orderPipeline(), nodeRuntime(), kafkaCluster()];
}

export function fileNameOf(dashboard: Dashboard): string {
  if (!dashboard.uid) throw new Error(`dashboard "${dashboard.title}" has no uid`);
  return `${dashboard.uid}.json`;
}

/**
 * Stable text: the builders add keys in a fixed order, so two spaces and a trailing newline make
 * regenerating byte-identical and diffs readable.
 */
export function render(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

/** Every generated file by name, as generate.ts writes them and the unit test compares them. */
export function renderAll(): Map<string, string> {
  return new Map(allDashboards().map((d) => [fileNameOf(d), render(d)]));
}
