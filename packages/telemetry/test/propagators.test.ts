import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propagation, ROOT_CONTEXT, trace, type TextMapGetter } from '@opentelemetry/api';
import { BAGGAGE_LIMITS, LimitedBaggagePropagator, limitBaggage, TraceContextPropagator } from '../src/propagators';
import { W3CTraceState } from '../src/trace-state';

const getter: TextMapGetter<Record<string, string | string[]>> = { get: (c, k) => c[k], keys: (c) => Object.keys(c) };
const TP = '00-12345678901234567890123456789012-1234567890123456-00';
const stateOf = (headers: Record<string, string | string[]>) =>
  trace.getSpanContext(new TraceContextPropagator().extract(ROOT_CONTEXT, headers, getter))?.traceState;

test('a valid tracestate is kept in order, with OWS and empty members ignored', () => {
  assert.equal(
    stateOf({ traceparent: TP, tracestate: ['foo=1 \t , \t bar=2', ',rojo=1,', 'baz=3'] })?.serialize(),
    'foo=1,bar=2,rojo=1,baz=3',
  );
});

test('multi-tenant keys, the longest keys and every legal value character are accepted', () => {
  const value = ' !"#$%&\'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
  assert.equal(
    stateOf({
      traceparent: TP,
      tracestate: `tenant@system=1,abcdefghijklmnopqrstuvwxyz0123456789_-*/@a-z0-9_-*/=${value}`,
    })?.get('tenant@system'),
    '1',
  );
  assert.equal(stateOf({ traceparent: TP, tracestate: `${'z'.repeat(256)}=1,foo=1` })?.get('foo'), '1');
  assert.equal(stateOf({ traceparent: TP, tracestate: `${'t'.repeat(241)}@${'v'.repeat(14)}=1,foo=1` })?.get('foo'), '1');
});

test('a tracestate that is invalid anywhere is discarded whole', () => {
  for (const bad of [
    'foo=1,foo=1',
    'foo=1,foo=2',
    'foo =1',
    'FOO=1',
    'foo.bar=1',
    'foo@=1,bar=2',
    '@foo=1,bar=2',
    'foo@@bar=1,bar=2',
    'foo@bar@baz=1,bar=2',
    `foo=1,${'z'.repeat(257)}=1`,
    `foo=1,${'t'.repeat(242)}@v=1`,
    `foo=1,t@${'v'.repeat(15)}=1`,
    'foo=bar=baz',
    'foo=,bar=3',
    `foo=${'v'.repeat(257)}`,
  ]) {
    assert.equal(stateOf({ traceparent: TP, tracestate: bad }), undefined, bad);
  }
});

test('32 members are kept, 33 discard the tracestate', () => {
  const members = (n: number) => Array.from({ length: n }, (_, i) => `bar${String(i + 1).padStart(2, '0')}=${i}`).join(',');
  assert.equal((stateOf({ traceparent: TP, tracestate: members(32) }) as W3CTraceState).size, 32);
  assert.equal(stateOf({ traceparent: TP, tracestate: members(33) }), undefined);
});

test('a repeated traceparent, or one with trailing data on version 00, restarts the trace', () => {
  const p = new TraceContextPropagator();
  assert.equal(trace.getSpanContext(p.extract(ROOT_CONTEXT, { traceparent: `${TP}, ${TP}` }, getter)), undefined);
  assert.equal(trace.getSpanContext(p.extract(ROOT_CONTEXT, { traceparent: [TP, TP] }, getter)), undefined);
  assert.equal(trace.getSpanContext(p.extract(ROOT_CONTEXT, { traceparent: `${TP}-x` }, getter)), undefined);
  assert.equal(
    trace.getSpanContext(p.extract(ROOT_CONTEXT, { traceparent: `cc-12345678901234567890123456789012-1234567890123456-01-future` }, getter))
      ?.traceId,
    '12345678901234567890123456789012',
  );
  assert.equal(
    trace.getSpanContext(p.extract(ROOT_CONTEXT, { traceparent: `\t ${TP} \t` }, getter))?.traceId,
    '12345678901234567890123456789012',
  );
});

test('set moves a key to the front and unset removes it', () => {
  const state = W3CTraceState.parse('a=1,b=2')!.set('b', '3').set('c', '4').unset('a');
  assert.equal(state.serialize(), 'c=4,b=3');
  assert.equal(state.set('Bad Key', 'x'), state);
});

test('baggage past 64 members or 8192 bytes is dropped, not fatal', () => {
  const many = Array.from({ length: 100 }, (_, i) => `k${i}=v`).join(',');
  assert.equal(limitBaggage(many).split(',').length, BAGGAGE_LIMITS.members);
  const big = Array.from({ length: 20 }, (_, i) => `k${i}=${'v'.repeat(1000)}`).join(',');
  assert.ok(Buffer.byteLength(limitBaggage(big)) <= BAGGAGE_LIMITS.bytes);
  assert.equal(limitBaggage(big).split(',').length, 8);
  const p = new LimitedBaggagePropagator();
  const ctx = p.extract(ROOT_CONTEXT, { baggage: [many, 'late=1'] }, getter);
  assert.equal(propagation.getBaggage(ctx)!.getAllEntries().length, 64);
  const out: Record<string, string> = {};
  p.inject(ctx, out, {
    set: (c, k, v) => {
      (c as Record<string, string>)[k] = v;
    },
  });
  assert.equal(out.baggage!.split(',').length, 64);
});
