import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { AppError, runWithDeadline } from '@hoptrace/kit';
import type { CallInfo } from '@hoptrace/grpc';
import { FaultAdmission } from '../src/admission';
import { grpcFaultMiddleware } from '../src/grpc';
import { installTelemetry, spans } from './otel-harness';

installTelemetry();
const admission = new FaultAdmission('a-test-admin-token-of-some-length');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PATH = '/hoptrace.payments.v1.Payments/Charge';

function faulted(entries: Record<string, string>, signed = true): Context {
  const baggage = propagation.createBaggage(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v }])));
  const ctx = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE,
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  return propagation.setBaggage(ctx, signed ? admission.sign(baggage, TRACE) : baggage);
}

/** One call through the middleware, as the grpc server runs it: in a server span of the caller's context. */
async function call(
  ctx: Context,
  options: { signal?: AbortSignal; path?: string } = {},
): Promise<{ handled: boolean; error?: unknown; ms: number; events: string[] }> {
  const [admit, inject] = grpcFaultMiddleware('payments', admission);
  const info: CallInfo = { path: options.path ?? PATH, signal: options.signal ?? new AbortController().signal };
  let handled = false;
  let error: unknown;
  const started = Date.now();
  let spanId = '';
  await context.with(ctx, () =>
    trace.getTracer('t').startActiveSpan(`grpc.${PATH.slice(1)}`, { kind: 1 }, async (span) => {
      spanId = span.spanContext().spanId;
      try {
        await admit!(info, () =>
          inject!(info, async () => {
            handled = true;
          }),
        );
      } catch (err) {
        error = err;
      } finally {
        span.end();
      }
    }),
  );
  const events =
    spans
      .getFinishedSpans()
      .find((s) => s.spanContext().spanId === spanId)
      ?.events.map((e) => `${e.name}:${String(e.attributes?.['fault.kind'] ?? '')}`) ?? [];
  return { handled, error, ms: Date.now() - started, events };
}

test('gRPC error: the call fails as payments failing (a 5xx AppError with the per-request code), recorded on its span', async () => {
  const r = await call(faulted({ 'hoptrace.fault.payments': 'error' }));
  assert.equal(r.handled, false);
  assert.ok(r.error instanceof AppError && r.error.status === 500 && r.error.code === 'fault_injected_request');
  assert.deepEqual(r.events, ['fault.injected:error']);
});

test("gRPC latency delays the call; a route that is not the call's path, another service's fault or an unsigned entry does nothing", async () => {
  const slow = await call(faulted({ 'hoptrace.fault.payments': 'latency:120' }));
  assert.ok(slow.handled && slow.ms >= 110, `handled after ${slow.ms} ms`);
  for (const ctx of [
    faulted({
      'hoptrace.fault.payments': 'error',
      'hoptrace.fault.payments.route': '/hoptrace.payments.v1.Payments/Refund',
    }),
    faulted({ 'hoptrace.fault.inventory': 'error' }),
    faulted({ 'hoptrace.fault.payments': 'error' }, false),
  ]) {
    const r = await call(ctx);
    assert.ok(
      r.handled && r.error === undefined && r.events.filter((e) => e.startsWith('fault.injected')).length === 0,
      JSON.stringify(r.events),
    );
  }
  const unsigned = await call(faulted({ 'hoptrace.fault.payments': 'error' }, false));
  assert.deepEqual(unsigned.events, ['fault.baggage_stripped:'], 'the stripped entries are recorded');
});

test("gRPC latency past the caller's deadline is not processed", async () => {
  const r = await runWithDeadline(Date.now() + 50, () => call(faulted({ 'hoptrace.fault.payments': 'latency:100' })));
  assert.equal(r.handled, false);
  assert.ok(r.error instanceof AppError && r.error.code === 'deadline_exceeded');
});

test('gRPC hang never answers until the call is cancelled (its deadline passed), and then does nothing', async () => {
  const cancel = new AbortController();
  setTimeout(() => cancel.abort(), 150);
  const r = await call(faulted({ 'hoptrace.fault.payments': 'hang' }), { signal: cancel.signal });
  assert.ok(r.ms >= 140, `ended after ${r.ms} ms`);
  assert.equal(r.handled, false);
  assert.deepEqual(r.events, ['fault.injected:hang']);
});
