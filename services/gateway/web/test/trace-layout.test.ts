import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barGeometry, offsetPercent, traceWindow, waterfallRows } from '../src/lib/trace-layout';
import type { TraceSpanView } from '@hoptrace/contracts';

function span(spanId: string, parentSpanId: string | undefined, startOffsetUs: number, durationUs = 100, name = spanId): TraceSpanView {
  return {
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    service: 'svc',
    name,
    startOffsetUs,
    durationUs,
    error: false,
    attributes: {},
    events: [],
  };
}
const layout = (spans: TraceSpanView[]) =>
  waterfallRows(spans).map((r) => `${'  '.repeat(r.depth)}${r.span.spanId}${r.parentMissing ? ' (parent missing)' : ''}`);

test('unordered spans come out parents first, each subtree before the next sibling, siblings by start', () => {
  const spans = [span('c2', 'b', 300), span('b2', 'a', 500), span('c1', 'b', 200), span('a', undefined, 0), span('b', 'a', 100)];
  assert.deepEqual(layout(spans), ['a', '  b', '    c1', '    c2', '  b2']);
});

test('a span whose parent is not in the trace is a flagged root, in start order with the real root', () => {
  const spans = [span('late', 'gone', 50), span('root', undefined, 0), span('child', 'late', 60)];
  assert.deepEqual(layout(spans), ['root', 'late (parent missing)', '  child']);
});

test('siblings that start together are ordered by name, so the rows do not shuffle between polls', () => {
  const spans = [span('x', 'r', 10, 5, 'send'), span('y', 'r', 10, 5, 'ack'), span('r', undefined, 0)];
  assert.deepEqual(layout(spans), ['r', '  y', '  x']);
});

test('duplicate span ids and parent cycles neither repeat rows nor lose spans', () => {
  const spans = [span('a', undefined, 0), span('a', undefined, 5), span('p', 'q', 10), span('q', 'p', 20), span('s', 's', 30)];
  // A self-parent is a root with its parent missing; the cycle, which no root reaches, comes last.
  assert.deepEqual(layout(spans), ['a', 's (parent missing)', 'p (parent missing)', '  q']);
});

test('the window runs from the earliest start to the latest end, events included, even before zero', () => {
  const late = { ...span('e', 'b', 100, 50), events: [{ name: 'retry', offsetUs: 900, attributes: {} }] };
  assert.deepEqual(traceWindow([span('b', undefined, -200, 600), late]), { startUs: -200, durationUs: 1100 });
  assert.deepEqual(traceWindow([]), { startUs: 0, durationUs: 0 });
});

test('bars are placed and sized as percentages of the window', () => {
  const window = { startUs: 0, durationUs: 1000 };
  assert.deepEqual(barGeometry({ startOffsetUs: 250, durationUs: 500 }, window), { leftPct: 25, widthPct: 50 });
  assert.deepEqual(barGeometry({ startOffsetUs: 0, durationUs: 1000 }, window), { leftPct: 0, widthPct: 100 });
  assert.equal(offsetPercent(1500, window), 100, 'offsets past the end are clamped');
});

test('a zero-length span at the very end still shows a sliver inside the track', () => {
  assert.deepEqual(barGeometry({ startOffsetUs: 1000, durationUs: 0 }, { startUs: 0, durationUs: 1000 }), { leftPct: 99.5, widthPct: 0.5 });
  assert.deepEqual(barGeometry({ startOffsetUs: 0, durationUs: 0 }, { startUs: 0, durationUs: 0 }), { leftPct: 0, widthPct: 100 });
});
