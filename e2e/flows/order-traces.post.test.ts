import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT_PARENT_DOMAIN } from '../support/shop';
import { ordersSince } from '../support/data';
import { auditTraces, describeFindings } from '../support/trace-audit';

// Runs after every other test: trace:check's checks over the trace of every order the tests
// placed, whatever happened to it (faults, crashes, outages): no orphan spans, no trace split at
// a Kafka or outbox boundary, every service in each completed order, semantic-convention
// attributes present, no personal data.
test('every order placed during the test run has one whole, clean trace', async (t) => {
  const since = new Date(Number(process.env.HOPTRACE_RUN_STARTED_AT ?? Date.now() - 3_600_000));
  // Orders placed under a client's own traceparent (hostile-input tests) start outside hoptrace: left out, and counted.
  const placed = await ordersSince(since);
  const rows = placed.filter((o) => o.domain !== CLIENT_PARENT_DOMAIN);
  t.diagnostic(`${placed.length - rows.length} orders placed under a client's own traceparent left out`);
  assert.ok(rows.length > 0, 'the tests placed orders');
  t.diagnostic(
    `${rows.length} orders: ${Object.entries(
      rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {}),
    )
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}`,
  );
  const { findings } = await auditTraces([...new Set(rows.map((r) => r.traceId))], 90_000);
  assert.deepEqual(findings, [], describeFindings(findings));
});
