/**
 * A reporter for node's test runner (`--test-reporter=./scripts/test-run/node-test-counts.mts`)
 * that reads its event stream and writes one JSON line, `{"passed":n,"failed":n}`: what npm test
 * adds up, from the runner's own events rather than from its human-readable output. Suites are
 * not counted, only tests; skipped and todo tests count as neither; a file that crashed before
 * any test ran is reported by the runner as a failed test of its own, and counts.
 */
interface TestEvent {
  type: string;
  data?: { details?: { type?: string }; skip?: unknown; todo?: unknown };
}

export function countOf(events: Iterable<TestEvent>): { passed: number; failed: number } {
  const counts = { passed: 0, failed: 0 };
  for (const event of events) {
    if (event.data?.details?.type === 'suite') continue;
    if (event.type === 'test:pass' && !event.data?.skip && !event.data?.todo) counts.passed++;
    if (event.type === 'test:fail' && !event.data?.todo) counts.failed++;
  }
  return counts;
}

export default async function* nodeTestCounts(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const events: TestEvent[] = [];
  for await (const event of source)
    if (event.type === 'test:pass' || event.type === 'test:fail') events.push({ type: event.type, data: event.data });
  yield `${JSON.stringify(countOf(events))}\n`;
}
