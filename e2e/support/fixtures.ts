import { test as base, type TestInfo } from '@playwright/test';
import { formatTree, fromJaeger } from '@hoptrace/traces';
import { fetchJaegerTrace, waitForTrace, type Trace, type TraceExpectation } from './traces';

/**
 * Every trace a test touched, so that a failed test carries them in its report: each as Jaeger's
 * JSON and as the indented span tree. Tests register ids with `traces.track`, or implicitly by
 * waiting through `traces.waitFor`.
 */
export class TraceRecorder {
  private readonly ids = new Map<string, string>();

  track(traceId: string | undefined, label = 'trace'): void {
    if (traceId && !this.ids.has(traceId)) this.ids.set(traceId, label);
  }

  get tracked(): string[] {
    return [...this.ids.keys()];
  }

  waitFor(traceId: string, expectation: TraceExpectation, label?: string): Promise<Trace> {
    this.track(traceId, label ?? expectation.describe);
    return waitForTrace(traceId, expectation);
  }

  async attachAll(testInfo: TestInfo): Promise<void> {
    for (const [traceId, label] of this.ids) {
      const name = `${label.replace(/[^\w.-]+/g, '-').slice(0, 60)}-${traceId}`;
      try {
        const raw = await fetchJaegerTrace(traceId);
        if (!raw) {
          await testInfo.attach(`${name}.txt`, { body: `trace ${traceId} is not in Jaeger`, contentType: 'text/plain' });
          continue;
        }
        await testInfo.attach(`${name}.json`, { body: JSON.stringify(raw, null, 2), contentType: 'application/json' });
        await testInfo.attach(`${name}.tree.txt`, { body: formatTree(fromJaeger(raw)), contentType: 'text/plain' });
      } catch (err) {
        await testInfo.attach(`${name}.txt`, {
          body: `could not read trace ${traceId}: ${(err as Error).message}`,
          contentType: 'text/plain',
        });
      }
    }
  }
}

export const test = base.extend<{ traces: TraceRecorder }>({
  traces: async ({}, use, testInfo) => {
    const recorder = new TraceRecorder();
    await use(recorder);
    if (testInfo.status !== testInfo.expectedStatus) await recorder.attachAll(testInfo);
  },
});

export { expect } from './traces';
