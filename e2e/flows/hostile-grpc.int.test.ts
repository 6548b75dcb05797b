import { create, toBinary } from '@bufbuild/protobuf';
import { Payments } from '@hoptrace/contracts/payments-v1';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FUZZ_SEED, nastyNumber, nastyString, runs } from '../support/fuzz';
import { PAYMENTS_SERVICE, SERVER_FAILURES } from '../support/grpc';
import { paymentsGrpcTarget, stackStatus } from '../support/stack';

/**
 * payments' gRPC port under fuzzed input, property-based and seeded like the HTTP fuzzing: random
 * bytes and odd messages on every method (and on paths nobody serves), under fuzzed trace and
 * fault metadata. Each call must be answered within the time it was given with a status that is
 * an answer (OK, INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, UNIMPLEMENTED …), never one that
 * says the server failed (UNKNOWN, INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED), and payments must
 * not restart.
 */
const client = new Client(paymentsGrpcTarget(), credentials.createInsecure());
const identity = (b: Buffer) => b;
const PATHS = [
  ...Payments.methods.map((m) => `/${PAYMENTS_SERVICE}/${m.name}`),
  `/${PAYMENTS_SERVICE}/Nope`,
  '/no.such.Service/Call',
  '/grpc.health.v1.Health/Check',
];

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
/** A message of the method's type with fuzzed fields, or bytes that may be no message at all. */
const body = (path: string) => {
  const method = Payments.methods.find((m) => path.endsWith(`/${m.name}`));
  const text = fc.oneof(nastyString, fc.uuid(), fc.constant(''));
  const typed = method
    ? fc
        .record({
          idempotencyKey: text,
          orderId: text,
          chargeId: text,
          amountCents: nastyNumber.map((n) => (Number.isSafeInteger(n) ? BigInt(n) : 0n)),
          card: fc.option(
            fc.record({
              cardNumber: fc.oneof(text, fc.constantFrom('4242424242424242', '4000000000000002', '4242424242424241')),
              expiry: fc.oneof(text, fc.constant('12/30')),
              cvc: text,
            }),
            { nil: undefined },
          ),
        })
        .map((fields) => {
          const known = Object.fromEntries(
            method.input.fields
              .map((f) => [f.localName, (fields as Record<string, unknown>)[f.localName]])
              .filter(([, v]) => v !== undefined),
          );
          return Buffer.from(toBinary(method.input, create(method.input, known as never)));
        })
    : fc.constant(Buffer.alloc(0));
  return fc.oneof(
    typed,
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.constant(Buffer.alloc(70_000, 0xff)),
  );
};
const metadataArb = fc.array(
  fc.oneof(
    fc.tuple(
      fc.constant('traceparent'),
      fc.oneof(
        fc.tuple(hex(32), hex(16)).map(([t, s]) => `00-${t}-${s}-01`),
        nastyString,
      ),
    ),
    fc.tuple(
      fc.constant('baggage'),
      fc.oneof(
        fc.constantFrom(
          'hoptrace.fault.payments=hang',
          'hoptrace.fault.payments=error,hoptrace.fault.sig=AAAA',
          'hoptrace.fault.payments=latency:5000',
        ),
        nastyString,
      ),
    ),
    fc.tuple(fc.constant('tracestate'), nastyString),
    fc.tuple(fc.constant('grpc-timeout'), fc.constantFrom('1n', '999999999S', 'x', '')),
    fc.tuple(fc.constant('idempotency-key'), nastyString),
  ),
  { maxLength: 6 },
);

function call(path: string, payload: Buffer, headers: [string, string][]): Promise<{ code: number; ms: number }> {
  const metadata = new Metadata();
  for (const [k, v] of headers) {
    // grpc-js refuses what HTTP/2 cannot carry before anything is sent: that is the client's side.
    try {
      metadata.add(k, v);
    } catch {
      /* not sendable */
    }
  }
  const started = performance.now();
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, identity, identity, payload, metadata, { deadline: Date.now() + 3000 }, (err) =>
      resolve({ code: err?.code ?? 0, ms: performance.now() - started }),
    );
  });
}

test(
  `fuzzed gRPC calls to payments (seed ${FUZZ_SEED}): an answer for each, never a server failure, a hang or a restart`,
  { timeout: 150_000 },
  async () => {
    const before = (await stackStatus()).find((s) => s.name === 'payments')?.pid;
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS).chain((path) => fc.tuple(fc.constant(path), body(path), metadataArb)),
        async ([path, payload, headers]) => {
          const { code, ms } = await call(path, payload, headers);
          codes.set(code, (codes.get(code) ?? 0) + 1);
          assert.ok(!SERVER_FAILURES.has(code), `${path} with ${payload.length} bytes and ${JSON.stringify(headers)}: status ${code}`);
          assert.ok(ms < 2500, `${path}: took ${Math.round(ms)} ms`);
        },
      ),
      { seed: FUZZ_SEED, numRuns: runs(600) },
    );
    console.log(
      `# gRPC fuzz (seed ${FUZZ_SEED}): ${[...codes]
        .sort(([a], [b]) => a - b)
        .map(([c, n]) => `${n} × status ${c}`)
        .join(', ')}`,
    );
    assert.ok((codes.get(3) ?? 0) > 0 && (codes.get(12) ?? 0) > 0, 'both invalid messages and unknown methods were sent');
    assert.equal((await stackStatus()).find((s) => s.name === 'payments')?.pid, before, 'payments did not restart');
    client.close();
  },
);
