import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { Payments } from '../src/payments-v1';

/**
 * The .proto is the contract; src/gen is what protoc-gen-es makes of it and is never edited by
 * hand. buf (the pinned @bufbuild/buf npm package) lints the contract by the protobuf style rules
 * and generates it again here, into a scratch directory: any difference means src/gen is stale
 * (run `npm run proto -w @hoptrace/contracts`) or was edited.
 */
const dir = join(__dirname, '..');
const bin = join(dir, '..', '..', 'node_modules', '.bin');
const buf = (...args: string[]) =>
  spawnSync(join(bin, 'buf'), args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });

const filesUnder = (root: string): string[] =>
  readdirSync(root).flatMap((entry) => {
    const path = join(root, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

test('buf lint passes: protobuf style guide names, a versioned package, a request and a response per RPC', () => {
  const run = buf('lint');
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const format = buf('format', '--diff', '--exit-code');
  assert.equal(format.status, 0, `buf format would change the .proto:\n${format.stdout}${format.stderr}`);
});

test('buf lint catches a style violation (the check can fail)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'hoptrace-proto-'));
  try {
    writeFileSync(join(scratch, 'buf.yaml'), readFileSync(join(dir, 'buf.yaml')));
    const proto = join(scratch, 'proto', 'hoptrace', 'payments', 'v1');
    mkdirSync(proto, { recursive: true });
    writeFileSync(
      join(proto, 'payments.proto'),
      readFileSync(join(dir, 'proto', 'hoptrace', 'payments', 'v1', 'payments.proto'), 'utf8')
        .replace('CHARGE_STATUS_UNSPECIFIED = 0', 'UNKNOWN = 0')
        .replace('string card_last4 = 5', 'string cardLast4 = 5'),
    );
    const run = spawnSync(join(bin, 'buf'), ['lint'], { cwd: scratch, encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stdout, /"UNKNOWN" should be prefixed with "CHARGE_STATUS_"/);
    assert.match(run.stdout, /zero value name "UNKNOWN" should be suffixed with "_UNSPECIFIED"/);
    assert.match(run.stdout, /"cardLast4" should be lower_snake_case/);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('src/gen is exactly what buf generate makes of the .proto', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'hoptrace-gen-'));
  try {
    const run = buf('generate', '--output', scratch);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const fresh = filesUnder(join(scratch, 'src', 'gen'))
      .map((f) => relative(join(scratch, 'src', 'gen'), f))
      .sort();
    const committed = filesUnder(join(dir, 'src', 'gen'))
      .map((f) => relative(join(dir, 'src', 'gen'), f))
      .sort();
    assert.deepEqual(committed, fresh);
    for (const file of fresh) {
      assert.equal(
        readFileSync(join(dir, 'src', 'gen', file), 'utf8'),
        readFileSync(join(scratch, 'src', 'gen', file), 'utf8'),
        `src/gen/${file} is stale or edited`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('the service is hoptrace.payments.v1.Payments with the calls orders needs, retry-safe ones marked idempotent', () => {
  assert.equal(Payments.typeName, 'hoptrace.payments.v1.Payments');
  assert.deepEqual(
    Payments.methods.map((m) => [m.name, m.methodKind, m.idempotency]),
    [
      ['Charge', 'unary', 2],
      ['RefundCharge', 'unary', 2],
      ['RefundOrder', 'unary', 2],
      ['GetCharge', 'unary', 1],
    ],
  );
});
