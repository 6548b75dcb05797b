import { readFileSync, writeFileSync } from 'node:fs';

export const START = '<!-- bench:start (written by npm run bench) -->';
export const END = '<!-- bench:end -->';

/**
 * The page with the latest run's table between its markers, or undefined when the markers are
 * missing. The results file's title (`# hoptrace benchmark, <date>`) becomes a line naming the
 * source; the table's own first lines say which machine, how loaded, and how long.
 */
export function withBenchTable(page: string, table: string, source: string): string | undefined {
  const from = page.indexOf(START);
  const to = page.indexOf(END);
  if (from < 0 || to < from) return undefined;
  const body = table.replace(/^# hoptrace benchmark, (.*)\n/, (_m, date: string) => `_Latest full run: ${date}; from \`${source}\`._\n`);
  return `${page.slice(0, from + START.length)}\n${body.trim()}\n${page.slice(to)}`;
}

/** Rewrites the table in docs/benchmark.md; false when the page has no markers (it is left alone). */
export function showInDocs(file: string, table: string, source: string): boolean {
  const page = withBenchTable(readFileSync(file, 'utf8'), table, source);
  if (page === undefined) return false;
  writeFileSync(file, page);
  return true;
}
