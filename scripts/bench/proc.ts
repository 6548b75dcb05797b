import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux ABI Node runs on. */
const TICKS_PER_SECOND = 100;

const children = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/** A process and its live descendants (postgres' backends, a JVM's nothing, a shell's command). */
export function processTree(pid: number): number[] {
  const all: number[] = [];
  const visit = (p: number) => {
    all.push(p);
    for (const c of children(p)) visit(c);
  };
  visit(pid);
  return all;
}

/**
 * CPU milliseconds a process tree has used so far: utime + stime of every live process, plus
 * cutime + cstime, which hold the time of children that already exited and were waited for
 * (a postgres backend whose connection closed mid-window is counted by its postmaster).
 */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces and parentheses: see proc(5).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      /* exited meanwhile: its parent's cutime has it */
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * Memory of a component: RSS of its main process, and PSS of the process with its children
 * (postgres backends). Summing RSS over processes would count shared pages (Postgres' shared
 * buffers, shared libraries) once per process; PSS shares them out, so its total is what the
 * stack really occupies.
 */
export function memoryKiB(pid: number): { rss: number; pss: number } {
  const rollup = (p: number) => readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  const total = { rss: 0, pss: 0 };
  try {
    total.rss = field(rollup(pid), 'Rss');
  } catch {
    return total;
  }
  for (const p of processTree(pid)) {
    try {
      total.pss += field(rollup(p), 'Pss');
    } catch {
      /* gone */
    }
  }
  return total;
}

/** CPU used by each named process tree between `start()` and `stop()`, in milliseconds. */
export class CpuWindow {
  private readonly before: Map<string, number>;
  private readonly startedAt = performance.now();

  constructor(private readonly pids: Map<string, number>) {
    this.before = new Map([...pids].map(([name, pid]) => [name, cpuMs(pid)]));
  }

  stop(): { elapsedMs: number; cpuMs: Record<string, number> } {
    const cpu: Record<string, number> = {};
    for (const [name, pid] of this.pids) cpu[name] = cpuMs(pid) - this.before.get(name)!;
    return { elapsedMs: performance.now() - this.startedAt, cpuMs: cpu };
  }
}
