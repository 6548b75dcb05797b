import type { TraceSpanView } from '@hoptrace/contracts';

/** Where a span sits in the waterfall: rows come parents first, siblings by start time. */
export interface WaterfallRow {
  span: TraceSpanView;
  depth: number;
  /** It names a parent that is not in the trace (not exported yet, or lost): shown at depth 0. */
  parentMissing: boolean;
}

/** The time the bars are drawn against, in microseconds from the trace's start. */
export interface TraceWindow {
  startUs: number;
  durationUs: number;
}

export interface BarGeometry {
  leftPct: number;
  widthPct: number;
}

/** A zero-length span still gets a visible sliver. */
const MIN_BAR_WIDTH_PCT = 0.5;

const bySpanStart = (a: TraceSpanView, b: TraceSpanView) =>
  a.startOffsetUs - b.startOffsetUs || a.name.localeCompare(b.name) || a.spanId.localeCompare(b.spanId);

/**
 * Depth-first order (a parent, then its subtree, then its next sibling). A span whose parent is
 * absent starts a subtree of its own. Duplicate span ids keep the first; spans caught in a parent
 * cycle, which no root reaches, are shown as roots with their parent flagged missing.
 */
export function waterfallRows(spans: readonly TraceSpanView[]): WaterfallRow[] {
  const byId = new Map<string, TraceSpanView>();
  for (const span of spans) if (!byId.has(span.spanId)) byId.set(span.spanId, span);

  const children = new Map<string, TraceSpanView[]>();
  const roots: TraceSpanView[] = [];
  for (const span of byId.values()) {
    const parentId = span.parentSpanId;
    if (parentId && parentId !== span.spanId && byId.has(parentId)) {
      const siblings = children.get(parentId) ?? [];
      siblings.push(span);
      children.set(parentId, siblings);
    } else {
      roots.push(span);
    }
  }

  const rows: WaterfallRow[] = [];
  const placed = new Set<string>();
  const visit = (span: TraceSpanView, depth: number, parentMissing: boolean) => {
    if (placed.has(span.spanId)) return;
    placed.add(span.spanId);
    rows.push({ span, depth, parentMissing });
    for (const child of (children.get(span.spanId) ?? []).sort(bySpanStart)) visit(child, depth + 1, false);
  };
  for (const root of roots.sort(bySpanStart)) visit(root, 0, Boolean(root.parentSpanId));
  for (const span of [...byId.values()].sort(bySpanStart)) visit(span, 0, true);
  return rows;
}

/**
 * From the earliest start to the latest end (or event). Offsets may be negative: a browser clock
 * behind the servers' puts the browser spans before the trace's "start".
 */
export function traceWindow(spans: readonly TraceSpanView[]): TraceWindow {
  if (spans.length === 0) return { startUs: 0, durationUs: 0 };
  let start = Infinity;
  let end = -Infinity;
  for (const span of spans) {
    const spanStart = finite(span.startOffsetUs);
    start = Math.min(start, spanStart);
    end = Math.max(end, spanStart + Math.max(0, finite(span.durationUs)), ...span.events.map((e) => finite(e.offsetUs)));
  }
  return { startUs: start, durationUs: Math.max(0, end - start) };
}

/** Position of an offset along the window, 0–100. */
export function offsetPercent(offsetUs: number, window: TraceWindow): number {
  if (window.durationUs <= 0) return 0;
  return clamp(((finite(offsetUs) - window.startUs) / window.durationUs) * 100, 0, 100);
}

export function barGeometry(span: Pick<TraceSpanView, 'startOffsetUs' | 'durationUs'>, window: TraceWindow): BarGeometry {
  const leftPct = offsetPercent(span.startOffsetUs, window);
  const widthPct = window.durationUs <= 0 ? 100 : (Math.max(0, finite(span.durationUs)) / window.durationUs) * 100;
  const width = clamp(Math.max(widthPct, MIN_BAR_WIDTH_PCT), 0, 100);
  // Keep the sliver of a span at the very end inside the track.
  return { leftPct: Math.min(leftPct, 100 - width), widthPct: width };
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
