import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, ROOT_CONTEXT, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { traceResponseHeader } from '../src/context';
import { TraceContextPropagator } from '../src/propagators';
import { MAX_TRACE_STATE_LENGTH, W3CTraceState } from '../src/trace-state';
import { parseTraceparent } from '../src/traceparent';

/**
 * W3C Trace Context Level 2 (https://www.w3.org/TR/trace-context-2/), case by case: each row names
 * the section it checks by its anchor, and most values are the spec's own examples.
 */
const TC2 = 'https://www.w3.org/TR/trace-context-2/';
const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const P = '00f067aa0ba902b7';
const getter: TextMapGetter<Record<string, string | string[]>> = { get: (c, k) => c[k], keys: (c) => Object.keys(c) };
const propagator = new TraceContextPropagator();
const extract = (headers: Record<string, string | string[]>) => propagator.extract(ROOT_CONTEXT, headers, getter);
const outgoing = (ctx: Context, p = propagator) => {
  const out: Record<string, string> = {};
  p.inject(ctx, out, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
  return out;
};
/** A span the SDK starts under `parent`, as the HTTP, gRPC and Kafka instrumentations do, and the headers it sends. */
const tracer = new TracerProvider().getTracer('trace-context.test');
const sendFromChild = (parent: Context, p = propagator) => {
  const span = tracer.startSpan('child', {}, parent);
  const ctx = trace.setSpan(parent, span);
  span.end();
  return { ctx, span: span.spanContext(), headers: outgoing(ctx, p) };
};
const parts = (traceparent = '') => {
  const [version, traceId, parentId, flags] = traceparent.split('-');
  return { version, traceId, parentId, flags };
};

// [section, traceparent value, what is read: [trace-id, flags kept] or undefined for a restart]
const TRACEPARENTS: [string, string, [string, number] | undefined][] = [
  ['#examples-of-http-traceparent-headers', `00-${T}-${P}-01`, [T, 1]],
  ['#examples-of-http-traceparent-headers', `00-${T}-${P}-00`, [T, 0]],
  ['#trace-flags (03: sampled and random)', `00-${T}-${P}-03`, [T, 3]],
  ['#trace-flags (02: random, not sampled)', `00-${T}-${P}-02`, [T, 2]],
  ['#other-flags (reserved bits are not kept)', `00-${T}-${P}-ff`, [T, 3]],
  ['#version (ff is forbidden)', `ff-${T}-${P}-01`, undefined],
  ['#version-format (lowercase hex only)', `00-${T.toUpperCase()}-${P}-01`, undefined],
  ['#version-format (trace-id of 31 digits)', `00-${T.slice(1)}-${P}-01`, undefined],
  ['#version-format (flags of 3 digits)', `00-${T}-${P}-001`, undefined],
  ['#trace-id (all zeroes)', `00-${'0'.repeat(32)}-${P}-01`, undefined],
  ['#parent-id (all zeroes)', `00-${T}-${'0'.repeat(16)}-01`, undefined],
  ['#versioning-of-traceparent (version 00 ends after its flags)', `00-${T}-${P}-01-future`, undefined],
  ['#versioning-of-traceparent (a higher version: its first fields are read)', `cc-${T}-${P}-01-what-the-future-will-be-like`, [T, 1]],
  ['#versioning-of-traceparent (a higher version, flags not followed by a dash)', `cc-${T}-${P}-01.future`, undefined],
  ['#versioning-of-traceparent (a higher version under 55 characters)', `cc-${T}-${P}-1`, undefined],
  ['#versioning-of-traceparent (the version prefix cannot be parsed)', `0-${T}-${P}-01`, undefined],
];

for (const [section, value, expected] of TRACEPARENTS)
  void test(`traceparent ${TC2}${section}: ${value.slice(0, 60)}`, () => {
    const parent = parseTraceparent(value);
    assert.deepEqual(parent && [parent.traceId, parent.traceFlags], expected);
    // #a-traceparent-is-received: a participant sends version 00 with only the flags it knows.
    if (expected)
      assert.match(sendFromChild(extract({ traceparent: value })).headers.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$/);
  });

void test(`traceparent: OWS around the value is not part of it (RFC 9110 §5.5), a repeated header restarts the trace`, () => {
  assert.equal(trace.getSpanContext(extract({ traceparent: ` \t00-${T}-${P}-01\t ` }))?.traceId, T);
  assert.equal(trace.getSpanContext(extract({ traceparent: [`00-${T}-${P}-01`, `00-${T}-${P}-01`] })), undefined);
  assert.equal(trace.getSpanContext(extract({ traceparent: `00-${T}-${P}-01, 00-${T}-${P}-01` })), undefined);
});

void test(`${TC2}#random-trace-id-flag: continuing a trace, the flag goes out as it came in, sampled or not`, () => {
  for (const [incoming, random] of [
    ['03', true],
    ['02', true],
    ['01', false],
    ['00', false],
  ] as const) {
    const { span, headers } = sendFromChild(extract({ traceparent: `00-${T}-${P}-${incoming}` }));
    const sent = parts(headers.traceparent);
    assert.equal(sent.traceId, T);
    assert.notEqual(sent.parentId, P, '#mutating-the-traceparent-field: the parent-id is the new span');
    assert.equal(sent.parentId, span.spanId);
    assert.equal((parseInt(sent.flags ?? '', 16) & 2) === 2, random, `incoming ${incoming}, sent ${headers.traceparent}`);
    // The sampled bit is the SDK's decision (ParentBased: the caller's).
    assert.equal(parseInt(sent.flags ?? '', 16) & 1, parseInt(incoming, 16) & 1);
  }
});

void test(`${TC2}#random-trace-id-flag: a trace started or restarted here is flagged random, as the SDK's trace ids are`, () => {
  for (const headers of [{}, { traceparent: `00-${'0'.repeat(32)}-${P}-03` }, { traceparent: `00-${T}-${P}-01-x` }]) {
    const sent = sendFromChild(extract(headers)).headers.traceparent;
    assert.notEqual(parts(sent).traceId, T);
    assert.equal(parts(sent).flags, '03', `after ${JSON.stringify(headers)}: ${sent}`);
  }
  // A new root under a continued trace is a new trace-id: its flag is ours, not the caller's.
  const root = tracer.startSpan('root', { root: true }, extract({ traceparent: `00-${T}-${P}-01` }));
  assert.equal(parts(outgoing(trace.setSpan(extract({ traceparent: `00-${T}-${P}-01` }), root)).traceparent).flags, '03');
  // A process whose trace ids are not random says so, and its new traces go out unflagged.
  assert.equal(parts(sendFromChild(ROOT_CONTEXT, new TraceContextPropagator(false)).headers.traceparent).flags, '01');
});

void test('traceresponse (the Level 3 draft) carries the same trace-id and flags the span sends downstream', () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  try {
    for (const incoming of ['02', '01']) {
      const { ctx, headers } = sendFromChild(extract({ traceparent: `00-${T}-${P}-${incoming}` }));
      assert.equal(context.with(ctx, traceResponseHeader), headers.traceparent);
    }
    assert.equal(context.with(ROOT_CONTEXT, traceResponseHeader), undefined);
  } finally {
    context.disable();
  }
});

/** A tracestate that must parse. */
const parsed = (header: string) => {
  const state = W3CTraceState.parse(header);
  assert.ok(state, header);
  return state;
};
const members = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `bar${String(i + from).padStart(2, '0')}=${i + from}`).join(',');
const z = (n: number) => 'z'.repeat(n);

// [section, tracestate header field(s), what is propagated, or undefined when it is discarded]
const TRACESTATES: [string, string | string[], string | undefined][] = [
  ['#examples-of-tracestate-http-headers', 'rojo=00f067aa0ba902b7', 'rojo=00f067aa0ba902b7'],
  ['#examples-of-tracestate-http-headers', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
  [
    '#tracestate-header-field-values (fields combined in order)',
    ['foo=1,bar=2', 'rojo=1,congo=2', 'baz=3'],
    'foo=1,bar=2,rojo=1,congo=2,baz=3',
  ],
  ['#tracestate-header-field-values (an empty header is accepted)', '', ''],
  ['#list (OWS around members)', 'foo=1 \t , \t bar=2,\t \tbaz=3', 'foo=1,bar=2,baz=3'],
  ['#list (empty and whitespace-only members)', [',foo=1,, \t ,', '', 'bar=2'], 'foo=1,bar=2'],
  ['#list (32 members)', [members(10), members(10, 11), members(10, 21), members(2, 31)], members(32)],
  ['#list (33 members: not a valid list)', [members(30), members(3, 31)], undefined],
  ['#list (empty members do not count)', `${members(32)},,, ,`, members(32)],
  [
    '#key (digits may lead, @ anywhere after the first character)',
    '1foo=1,foo@=2,foo@@bar=3,foo@bar@baz=4',
    '1foo=1,foo@=2,foo@@bar=3,foo@bar@baz=4',
  ],
  ['#key (a multi-tenant key)', 'fw529a3039@dt=1,bar=2', 'fw529a3039@dt=1,bar=2'],
  ['#key (@ first)', '@foo=1,bar=2', undefined],
  ['#key (uppercase)', 'FOO=1,bar=2', undefined],
  ['#key (a dot)', 'foo.bar=1', undefined],
  ['#key (an underscore first)', '_foo=1', undefined],
  ['#key (space before "=")', 'foo =1', undefined],
  ['#key (256 characters)', ['foo=1', `${z(256)}=1`], `foo=1,${z(256)}=1`],
  ['#key (257 characters)', ['foo=1', `${z(257)}=1`], undefined],
  ['#key (multi-tenant, 256 in all)', ['foo=1', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`], `foo=1,${'t'.repeat(241)}@${'v'.repeat(14)}=1`],
  [
    '#key (no sub-limits around @)',
    `foo=1,${'t'.repeat(242)}@v=1,t@${'v'.repeat(15)}=2`,
    `foo=1,${'t'.repeat(242)}@v=1,t@${'v'.repeat(15)}=2`,
  ],
  ['#key (multi-tenant, 257 in all)', `foo=1,${'t'.repeat(250)}@${'v'.repeat(6)}=1`, undefined],
  ['#value (every allowed character)', `foo= !"#$%&'()*+-./09:;<>?@AZ[\\]^_\`az{|}~`, `foo= !"#$%&'()*+-./09:;<>?@AZ[\\]^_\`az{|}~`],
  ['#value (leading spaces are kept, trailing ones are OWS)', 'foo=  1  ,bar=2', 'foo=  1,bar=2'],
  ['#value (256 characters)', `foo=${'v'.repeat(256)}`, `foo=${'v'.repeat(256)}`],
  ['#value (257 characters)', `foo=${'v'.repeat(257)}`, undefined],
  ['#value ("=" inside)', 'foo=bar=baz', undefined],
  ['#value (empty)', 'foo=,bar=3', undefined],
  ['#value (a tab inside)', 'foo=a\tb', undefined],
  ['#value (no "=")', 'foo', undefined],
  ['#mutating-the-tracestate-field (a duplicated key keeps its leftmost entry)', 'foo=1,foo=2', 'foo=1'],
  ['#mutating-the-tracestate-field (duplicates across fields)', ['foo=1', 'foo=1'], 'foo=1'],
  [
    "#combined-header-value (the spec's counter-example, read)",
    'congo=congosFirstPosition,rojo=rojosFirstPosition,congo=congosSecondPosition',
    'congo=congosFirstPosition,rojo=rojosFirstPosition',
  ],
];

for (const [section, header, expected] of TRACESTATES)
  void test(`tracestate ${TC2}${section}: ${JSON.stringify(header).slice(0, 60)}`, () => {
    const state = W3CTraceState.parse(header);
    assert.equal(state?.serialize(), expected);
    // Through the propagator: kept with a valid traceparent, never sent empty (#tracestate-header-field-values).
    const sent = sendFromChild(extract({ traceparent: `00-${T}-${P}-01`, tracestate: header })).headers;
    assert.equal(sent.tracestate, expected || undefined);
  });

void test(`${TC2}#tracestate-header: no traceparent, or one that cannot be parsed, and the tracestate is not used`, () => {
  for (const traceparent of [undefined, `00-${T}-${P}-0x`]) {
    const sent = sendFromChild(extract({ ...(traceparent ? { traceparent } : {}), tracestate: 'foo=1' })).headers;
    assert.notEqual(parts(sent.traceparent).traceId, T);
    assert.equal(sent.tracestate, undefined);
  }
});

void test(`${TC2}#relationship-between-the-headers: Rojo then Congo write their entries to the left`, () => {
  const rojo = parsed('congo=t61rcWkgMzE').set('rojo', '00f067aa0ba902b7');
  assert.equal(rojo.serialize(), 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
  assert.equal(rojo.set('congo', 'ucfJifl5GOE').serialize(), 'congo=ucfJifl5GOE,rojo=00f067aa0ba902b7');
  // #combined-header-value: the entry is rewritten, never repeated.
  const congo = parsed('congo=congosFirstPosition,rojo=rojosFirstPosition').set('congo', 'congosSecondPosition');
  assert.equal(congo.serialize(), 'congo=congosSecondPosition,rojo=rojosFirstPosition');
});

void test(`${TC2}#mutating-the-tracestate-field: set, update, delete; an invalid entry changes nothing`, () => {
  const state = parsed('a=1,b=2').set('b', '3').set('c', '4').unset('a');
  assert.equal(state.serialize(), 'c=4,b=3');
  assert.equal(state.set('Bad Key', 'x'), state);
  assert.equal(state.set('k', 'bad,value'), state);
  // #list: adding a 33rd entry removes the right-most one.
  assert.equal(parsed(members(32)).set('new', '1').serialize(), `new=1,${members(31)}`);
});

void test(`${TC2}#tracestate-limits: past ${MAX_TRACE_STATE_LENGTH} characters whole entries go, those over 128 first, then from the right`, () => {
  const big = (k: string) => `${k}=${'v'.repeat(130)}`;
  const small = (k: string) => `${k}=${'s'.repeat(100)}`;
  // 4 small (102 each) + 2 big (132 each) + 5 commas = 677: the rightmost big entry goes (544), then the other (411).
  const header = [small('a'), big('b'), small('c'), small('d'), big('e'), small('f')].join(',');
  assert.equal(parsed(header).serialize(), [small('a'), small('c'), small('d'), small('f')].join(','));
  // Small entries only: from the right until it fits (617, 514, 411).
  const smalls = ['a', 'b', 'c', 'd', 'e', 'f'].map(small);
  assert.equal(parsed(smalls.join(',')).serialize(), smalls.slice(0, 4).join(','));
  // 512 characters exactly are propagated whole, large entries and all.
  const exact = `a=${'v'.repeat(254)},b=${'v'.repeat(253)}`;
  assert.equal(exact.length, MAX_TRACE_STATE_LENGTH);
  assert.equal(parsed(exact).serialize(), exact);
  // A set that overflows drops entries the same way (here the rightmost): 411 + 103 = 514.
  assert.equal(parsed(smalls.slice(0, 4).join(',')).set('g', 's'.repeat(100)).serialize(), [small('g'), ...smalls.slice(0, 3)].join(','));
});
