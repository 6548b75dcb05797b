import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChargeStatus, Payments } from '@hoptrace/contracts/payments-v1';
import {
  AppError,
  DependencyUnavailable,
  PaymentDeclined,
  remainingBudget,
  runWithDeadline,
  TIMED_OUT,
  ValidationFailed,
} from '@hoptrace/kit';
import { Client, credentials, status } from '@grpc/grpc-js';
import pino from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkGrpcHealth, GrpcClient, GrpcServer, serve, type CallMiddleware, type ServiceMethods } from '../src';

const logger = pino({ level: 'silent' });
const charge = {
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  orderId: '0e3a3b8e-56a4-4b64-a2d4-4a9e1b7a2f10',
  amountCents: 1200n,
  status: ChargeStatus.CAPTURED,
  cardLast4: '4242',
};

/** A Payments server whose handlers do what each test says; answers on a free port. */
async function payments(
  overrides: Partial<Record<'charge' | 'refundCharge' | 'refundOrder' | 'getCharge', (req: never) => Promise<unknown>>>,
  middleware: CallMiddleware[] = [],
) {
  const calls: Record<string, number> = {};
  const count = (name: string, fn?: (req: never) => Promise<unknown>) => async (req: never) => {
    calls[name] = (calls[name] ?? 0) + 1;
    return (fn ? fn(req) : { charge }) as never;
  };
  const server = new GrpcServer({
    logger,
    middleware,
    services: [
      serve(Payments, {
        charge: count('charge', overrides.charge),
        refundCharge: count('refundCharge', overrides.refundCharge),
        refundOrder: count('refundOrder', overrides.refundOrder),
        getCharge: count('getCharge', overrides.getCharge),
      }),
    ],
  });
  const port = await server.start(0, '127.0.0.1');
  const client = new GrpcClient<ServiceMethods<typeof Payments>>('payments', Payments, `127.0.0.1:${port}`, 1000);
  return {
    server,
    client,
    port,
    calls,
    close: async () => {
      client.close();
      await server.stop(100);
    },
  };
}
const card = { cardNumber: '4242424242424242', expiry: '12/40', cvc: '123' };

test("a call round-trips the generated messages, and the handler sees the caller's deadline as its time budget", async () => {
  let budget: number | undefined;
  const p = await payments({
    charge: async () => {
      budget = remainingBudget();
      return { charge, replayed: false };
    },
  });
  try {
    const res = await runWithDeadline(Date.now() + 800, () =>
      p.client.call('charge', { idempotencyKey: 'k', orderId: charge.orderId, amountCents: 1200n, card }),
    );
    assert.equal(res.charge?.id, charge.id);
    assert.equal(res.charge?.amountCents, 1200n);
    assert.ok(
      budget !== undefined && budget > 500 && budget <= 750,
      `the server's budget was ${budget} ms: what the caller had left, less the margin`,
    );
  } finally {
    await p.close();
  }
});

test("the callee's errors come back as the same AppErrors: declined 402 with its code, invalid 422 naming the field, not found 404", async () => {
  const p = await payments({
    charge: async () => {
      throw new PaymentDeclined('insufficient_funds', 'the card has insufficient funds');
    },
    refundCharge: async () => {
      throw new ValidationFailed({ 'card.cardNumber': 'not a valid card number' });
    },
    getCharge: async () => {
      throw new AppError(404, 'not_found', 'charge x not found');
    },
  });
  try {
    await assert.rejects(
      p.client.call('charge', { idempotencyKey: 'k' }),
      (err: AppError) => err.status === 402 && err.code === 'insufficient_funds' && err.message === 'the card has insufficient funds',
    );
    assert.equal(p.calls.charge, 1, 'a decline is an answer: not retried');
    await assert.rejects(
      p.client.call('refundCharge', { chargeId: 'x' }),
      (err: AppError) =>
        err.status === 422 && err.code === 'validation_failed' && err.fields?.['card.cardNumber'] === 'not a valid card number',
    );
    await assert.rejects(p.client.call('getCharge', { chargeId: 'x' }), (err: AppError) => err.status === 404 && err.code === 'not_found');
  } finally {
    await p.close();
  }
});

test("a server error is DependencyUnavailable with the callee's code, retried only for methods the contract marks idempotent", async () => {
  const failing = async () => {
    throw new AppError(500, 'fault_injected_request', 'injected error in payments');
  };
  const p = await payments({ charge: failing });
  try {
    await assert.rejects(
      p.client.call('charge', { idempotencyKey: 'k' }),
      (err: DependencyUnavailable) =>
        err instanceof DependencyUnavailable &&
        err.upstreamCode === 'fault_injected_request' &&
        /^payments is unavailable: UNAVAILABLE/.test(err.message),
    );
    assert.equal(p.calls.charge, 3, 'Charge is IDEMPOTENT in the .proto: three attempts');
  } finally {
    await p.close();
  }
});

test('a callee slower than the deadline is a timeout (not retried), and a used-up budget calls nothing', async () => {
  const p = await payments({
    charge: async () => {
      await sleep(500);
      return { charge };
    },
  });
  try {
    const started = Date.now();
    await assert.rejects(
      p.client.call('charge', { idempotencyKey: 'k' }, { timeoutMs: 150 }),
      (err: DependencyUnavailable) => err instanceof DependencyUnavailable && err.upstreamCode === TIMED_OUT,
    );
    assert.ok(Date.now() - started < 450, 'gave up at the deadline');
    assert.equal(p.calls.charge, 1);
    await assert.rejects(
      runWithDeadline(Date.now() + 20, () => p.client.call('getCharge', { chargeId: 'x' })),
      /time budget of the request is used up/,
    );
    assert.equal(p.calls.getCharge, undefined);
  } finally {
    await p.close();
  }
});

test('bytes that are not the request message are INVALID_ARGUMENT, not INTERNAL, and middleware runs around every call', async () => {
  const seen: string[] = [];
  const p = await payments({}, [
    async (call, next) => {
      seen.push(call.path);
      await next();
    },
  ]);
  const raw = new Client(`127.0.0.1:${p.port}`, credentials.createInsecure());
  try {
    const code = await new Promise<number>((resolve) =>
      raw.makeUnaryRequest(
        '/hoptrace.payments.v1.Payments/GetCharge',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0xff, 0xff, 0xff]),
        (err) => resolve(err?.code ?? 0),
      ),
    );
    assert.equal(code, status.INVALID_ARGUMENT);
    await p.client.call('getCharge', { chargeId: 'x' });
    assert.deepEqual(seen, ['/hoptrace.payments.v1.Payments/GetCharge', '/hoptrace.payments.v1.Payments/GetCharge']);
  } finally {
    raw.close();
    await p.close();
  }
});

test('the health service says SERVING while the server runs, for the server and for the service by its full name', async () => {
  const p = await payments({});
  try {
    await checkGrpcHealth(`grpc://127.0.0.1:${p.port}`);
    await checkGrpcHealth(`127.0.0.1:${p.port}`, 'hoptrace.payments.v1.Payments');
    await assert.rejects(checkGrpcHealth(`127.0.0.1:${p.port}`, 'no.such.Service'), /NOT_FOUND|unknown/i);
  } finally {
    await p.close();
  }
  await assert.rejects(checkGrpcHealth(`127.0.0.1:${p.port}`, '', 500));
});

test('a stop lets the call in flight finish, then cancels what outlives the deadline', async () => {
  const p = await payments({
    charge: async () => {
      await sleep(150);
      return { charge };
    },
    getCharge: async () => {
      await sleep(5000);
      return { charge };
    },
  });
  const inFlight = p.client.call('charge', { idempotencyKey: 'k' });
  const stuck = p.client.call('getCharge', { chargeId: 'x' }, { timeoutMs: 10_000 }).then(
    () => 'answered',
    () => 'cancelled',
  );
  await sleep(50);
  const started = Date.now();
  await p.server.stop(400);
  assert.equal((await inFlight).charge?.id, charge.id);
  assert.equal(await stuck, 'cancelled');
  assert.ok(Date.now() - started < 1500);
  p.client.close();
});
