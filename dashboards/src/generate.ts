/** Writes dashboards/generated/<uid>.json from the TypeScript dashboards, and removes files no dashboard produces. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generatedDir, renderAll } from './dashboards';

const files = renderAll();
mkdirSync(generatedDir, { recursive: true });
for (const [name, text] of files) {
  writeFileSync(join(generatedDir, name), text);
  console.log(`wrote ${relative(process.cwd(), join(generatedDir, name))}`);
}
// A renamed uid would otherwise leave its old file behind, and Grafana would keep provisioning it.
for (const name of readdirSync(generatedDir)) {
  if (name.endsWith('.json') && !files.has(name)) {
    rmSync(join(generatedDir, name));
    console.log(`removed stale ${relative(process.cwd(), join(generatedDir, name))}`);
  }
}
