import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leakIn, leaksInLine } from '../support/leaks';

const TOKEN = 'an-admin-token-of-some-length';

test('the leak scan finds card numbers, CVCs, emails and the admin token in log lines, and names the key', () => {
  assert.match(leaksInLine('{"msg":"charged","card":"4242 4242 4242 4242"}', TOKEN) ?? '', /card/);
  assert.match(leaksInLine('{"msg":"paid with 4000000000000002"}', TOKEN) ?? '', /card number/);
  assert.match(leaksInLine('payment {"cvc":"123"}', TOKEN) ?? '', /CVC/);
  assert.match(leaksInLine('{"to":"ada@example.com"}', TOKEN) ?? '', /email/);
  assert.match(leaksInLine(`started with ${TOKEN}`, TOKEN) ?? '', /admin token/);
  assert.match(leaksInLine('{"msg":"connect","password":"0f3a9c"}', TOKEN, ['0f3a9c']) ?? '', /generated secret/);
  assert.equal(leaksInLine('{"msg":"connect","user":"orders"}', TOKEN, ['0f3a9c']), undefined);
  assert.match(leakIn('http.request.header.authorization', 'Bearer abcdefghijkl', TOKEN) ?? '', /authorization|bearer/);
});

test("ids, timestamps and Debian's build address are not leaks", () => {
  assert.equal(
    leaksInLine(
      '{"orderId":"6f1c1a52-6d7e-4c53-9a43-1f5b2f1a0c01","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","time":"2026-12-01T10:24:20.867Z"}',
      TOKEN,
    ),
    undefined,
  );
  assert.equal(
    leaksInLine('{"trace_id":"12345678901234567890123456789012","span_id":"4242424242424242"}', TOKEN),
    undefined,
    'an all-digit span id',
  );
  assert.match(leaksInLine('{"note":"4242424242424242"}', TOKEN) ?? '', /card number/, 'the same digits elsewhere are a card number');
  assert.equal(leaksInLine('build_context="(go=go1.19.8, user=team+pkg-go@tracker.debian.org)"', TOKEN), undefined);
});

test("Node's negative-timeout warning is the runtime's number, not a card; a card in another line still is one", () => {
  // -1796127798470 passes the Luhn check: it appeared in orders.log as kafkajs' warning on Node 24.
  assert.equal(leaksInLine('(node:2697) TimeoutNegativeWarning: -1796127798470 is a negative number.', 'token-of-the-run'), undefined);
  assert.equal(
    leaksInLine('(node:2697) TimeoutNegativeWarning: -1796127798470 is a negative number. card 4242424242424242', 'token-of-the-run'),
    'a card number (under "line")',
  );
  assert.equal(leaksInLine('paid with 4242424242424242', 'token-of-the-run'), 'a card number (under "line")');
});

test("Badger's compaction line lists table ids, not a card; a card elsewhere in such a line, or in another badger line, still is one", () => {
  // This line, from jaeger.log in a run with the cluster drills, read as "00068 . 00125 00126 00144" passed the Luhn check.
  const compaction =
    'badger 2026/12/01 13:26:59 INFO: [1] [E] LOG Compact 5->6 (1, 3 -> 2 tables with 1 splits). [00068 . 00125 00126 00144 .] -> [00150 00152 .], took 4.647s';
  assert.equal(leaksInLine(compaction, 'token-of-the-run'), undefined);
  assert.equal(leaksInLine(`${compaction} card 4242424242424242`, 'token-of-the-run'), 'a card number (under "line")');
  assert.equal(
    leaksInLine('badger 2026/12/01 13:26:59 INFO: [1] [E] LOG Compact 5->6 [4242 4242 4242 4242]', 'token-of-the-run'),
    'a card number (under "line")',
  );
});
