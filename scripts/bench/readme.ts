import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start (written by npm run bench) -->';
const END = '<!-- bench:end -->';

/** Replaces the README's benchmark table (between the markers) with the latest one. */
export function showInReadme(readme: string, table: string, source: string): void {
  const text = readFileSync(readme, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) return;
  // The results file's own title becomes a line under the README's heading.
  const body = table.replace(/^# (.*)\n/, (_m, title: string) => `_${title}; from \`${source}\`._\n`);
  writeFileSync(readme, `${text.slice(0, from + START.length)}\n${body.trim()}\n${text.slice(to)}`);
}
