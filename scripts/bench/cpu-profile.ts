/**
 * `npx tsx scripts/bench/cpu-profile.ts <file.cpuprofile>... [--top 20]`: self time of a V8 CPU
 * profile (written by `node --cpu-prof`) by package and by function, to see whether a service's
 * CPU goes to the OpenTelemetry SDK, kafkajs, pg, pino, JSON or zod. Several files add up.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Who owns the code at `url`: an npm package, a hoptrace workspace, Node itself, or V8. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node (core)';
  const workspace = /\/(packages|services)\/([^/]+)\//.exec(url);
  return workspace ? `hoptrace ${workspace[1]}/${workspace[2]}` : url;
}

export function selfTimes(profile: Profile): { totalMs: number; byOwner: Map<string, number>; byFunction: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample: it belongs to this sample's node.
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const owner = ownerOf(url, functionName);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
    const fn = `${functionName || '(anonymous)'}  ${owner}${url && !url.startsWith('node:') ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    totalMs += ms;
  });
  return { totalMs, byOwner, byFunction };
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '20' } } });
  if (!positionals.length) throw new Error('usage: npx tsx scripts/bench/cpu-profile.ts <file.cpuprofile>... [--top 20]');
  const total = { totalMs: 0, byOwner: new Map<string, number>(), byFunction: new Map<string, number>() };
  for (const file of positionals) {
    const t = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile);
    total.totalMs += t.totalMs;
    for (const [k, v] of t.byOwner) total.byOwner.set(k, (total.byOwner.get(k) ?? 0) + v);
    for (const [k, v] of t.byFunction) total.byFunction.set(k, (total.byFunction.get(k) ?? 0) + v);
  }
  const busy = total.totalMs - (total.byOwner.get('(idle)') ?? 0);
  const top = Number(values.top);
  const print = (title: string, map: Map<string, number>) => {
    console.log(`${title} (self time; % of non-idle ${busy.toFixed(0)} ms)`);
    for (const [k, v] of [...map]
      .filter(([k]) => k !== '(idle)' && !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)) {
      console.log(`  ${((100 * v) / busy).toFixed(1).padStart(5)} %  ${v.toFixed(0).padStart(7)} ms  ${k}`);
    }
  };
  console.log(`${positionals.length} profile(s), ${(total.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s not idle`);
  print('by package', total.byOwner);
  print('by function', total.byFunction);
}

if (require.main === module) main();
