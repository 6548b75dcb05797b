import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { END, START, withBenchTable } from '../docs-table';

const table =
  '# hoptrace benchmark, 2027-01-02\n\nNative stack, 2 cores, 24 GiB, Node 24.22.3; …\n\n| figure | traced |\n|---|---|\n| capacity | 50 |\n';

void test("the bench replaces only what lies between docs/benchmark.md's markers, headed by the run's date and source", () => {
  const page = `# Benchmark\n\nbefore\n\n${START}\nold table\n${END}\n\nafter\n`;
  const updated = withBenchTable(page, table, 'bench/results/2027-01-02.md');
  assert.equal(
    updated,
    `# Benchmark\n\nbefore\n\n${START}\n_Latest full run: 2027-01-02; from \`bench/results/2027-01-02.md\`._\n\nNative stack, 2 cores, 24 GiB, Node 24.22.3; …\n\n| figure | traced |\n|---|---|\n| capacity | 50 |\n${END}\n\nafter\n`,
  );
  assert.equal(withBenchTable(updated ?? '', table, 'bench/results/2027-01-02.md'), updated, 'writing the same run twice changes nothing');
});

void test('a page without the markers is left alone', () => {
  assert.equal(withBenchTable('# Benchmark\n', table, 'x.md'), undefined);
  assert.equal(withBenchTable(`${END}\n${START}\n`, table, 'x.md'), undefined);
});

void test('docs/benchmark.md carries the markers once each, in order, so `npm run bench` can write its table', () => {
  const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'benchmark.md'), 'utf8');
  assert.equal(page.split(START).length, 2);
  assert.equal(page.split(END).length, 2);
  assert.ok(page.indexOf(START) < page.indexOf(END));
});
