// Preload for `npm run stack -- restart <service> --env "NODE_OPTIONS=--require ./scripts/bench/cpu-profiler.cjs" --env CPU_PROFILE_DIR=/tmp/prof`:
// the `--cpu-prof` of Node 22+ through the inspector, because Node 20 refuses --cpu-prof in
// NODE_OPTIONS and the runner can only add environment. Plain JS: node loads it before any
// TypeScript tooling. The profile is written when the process exits (a plain restart stops it).
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CPU_PROFILE_DIR || '/tmp';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  // An in-thread inspector session answers synchronously, so this runs to the end inside 'exit'.
  session.post('Profiler.stop', (err, result) => {
    if (err) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${process.env.OTEL_SERVICE_NAME || 'node'}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
