import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { prefixed } from './progress';
import { portInUse, waitFor } from './wait';

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** How the component stops cleanly; SIGKILL follows after stopTimeoutMs. */
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

/** One native counterpart of a compose service. */
export interface Driver {
  name: string;
  kind: string;
  /** Native TCP ports it listens on: checked free before it starts. */
  ports: number[];
  /** Runs before every start: directories, generated configuration, first-time formatting. */
  prepare(): Promise<void>;
  launch(): Launch;
  /** The compose healthcheck's native equivalent. */
  ready(): Promise<boolean>;
  readyTimeoutMs: number;
  /** Runs once it is ready, e.g. first-boot initialisation scripts. */
  afterReady?(): Promise<void>;
  urls?: { label: string; url: string }[];
}

export type State = 'stopped' | 'starting' | 'ready' | 'stopping' | 'exited' | 'failed';

export interface Status {
  name: string;
  kind: string;
  state: State;
  pid?: number;
  ports: number[];
  exitCode?: number | null;
  readyMs?: number;
  detail?: string;
  /** Environment added on top of the compose environment by `restart --env`. */
  extraEnv?: Record<string, string>;
}

const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
};

/** Starts, watches and stops one component's process; its output goes to the console and a log file. */
export class Supervised {
  state: State = 'stopped';
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private log?: WriteStream;
  private exitCode?: number | null;
  private readyMs?: number;
  private detail?: string;
  /**
   * Set by `restart --env` and kept across stop/start/kill, so a failure drill on a reconfigured
   * service keeps its configuration; a plain restart clears it.
   */
  private extraEnv: Record<string, string> = {};

  constructor(
    readonly driver: Driver,
    private readonly stateDir: string,
    private readonly echo: boolean,
  ) {}

  get name(): string {
    return this.driver.name;
  }

  status(): Status {
    return {
      name: this.name,
      kind: this.driver.kind,
      state: this.state,
      pid: this.child?.pid,
      ports: this.driver.ports,
      exitCode: this.exitCode,
      readyMs: this.readyMs,
      detail: this.detail,
      ...(Object.keys(this.extraEnv).length ? { extraEnv: { ...this.extraEnv } } : {}),
    };
  }

  /** Stops it and starts it again with `extraEnv` over its own environment ({} for none). */
  async restart(extraEnv: Record<string, string> = {}): Promise<void> {
    await this.stop();
    this.extraEnv = { ...extraEnv };
    await this.start();
  }

  async start(): Promise<void> {
    if (this.state === 'ready' || this.state === 'starting') return;
    this.detail = undefined;
    const started = Date.now();
    try {
      for (const port of this.driver.ports) {
        if (await portInUse(port)) {
          throw new Error(
            `port ${port} is already in use by another process; stop it (\`ss -ltnp | grep :${port}\` shows which) and start again`,
          );
        }
      }
      this.state = 'starting';
      await this.driver.prepare();
      this.spawn();
      await waitFor(
        `${this.name} readiness`,
        () => this.driver.ready(),
        this.driver.readyTimeoutMs,
        250,
        () =>
          this.state === 'exited'
            ? `exited with code ${this.exitCode} before it was ready; see .hoptrace/logs/${this.name}.log`
            : undefined,
      );
      await this.driver.afterReady?.();
      this.readyMs = Date.now() - started;
      this.state = 'ready';
    } catch (err) {
      this.detail = err instanceof Error ? err.message : String(err);
      if (this.child && this.state !== 'exited') await this.stop();
      this.state = 'failed';
      throw err;
    }
  }

  private spawn(): void {
    const launch = this.driver.launch();
    mkdirSync(join(this.stateDir, 'logs'), { recursive: true });
    mkdirSync(join(this.stateDir, 'pids'), { recursive: true });
    this.log = createWriteStream(join(this.stateDir, 'logs', `${this.name}.log`), { flags: 'a' });
    // Its own process group: Ctrl-C in the terminal reaches only the runner, which then stops
    // components in reverse order instead of all at once.
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: { ...launch.env, ...this.extraEnv },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exitCode = undefined;
    writeFileSync(this.pidFile(), `${child.pid}\n`);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.log?.write(`${line}\n`);
        if (this.echo) console.log(prefixed(this.name, line));
      });
    }
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.detail = err.message;
      });
      child.once('close', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : null);
        if (this.state !== 'stopping') {
          const message = `exited unexpectedly (${signal ?? `code ${code}`})`;
          this.log?.write(`[hoptrace] ${message}\n`);
          if (this.echo) console.log(prefixed(this.name, message));
        }
        this.state = 'exited';
        signalGroup(child.pid!, 'SIGKILL'); // stragglers such as postgres backends
        rmSync(this.pidFile(), { force: true });
        this.log?.end();
        resolve();
      });
    });
    const stopSignal = launch.stopSignal ?? 'SIGTERM';
    const stopTimeoutMs = launch.stopTimeoutMs ?? 15_000;
    this.stopChild = async () => {
      child.kill(stopSignal);
      const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), stopTimeoutMs);
      await this.exited;
      clearTimeout(timer);
    };
  }

  private stopChild: () => Promise<void> = async () => {};

  async stop(): Promise<void> {
    if (!this.child || this.state === 'exited' || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    await this.stopChild();
    this.state = 'stopped';
    this.child = undefined;
  }

  /** SIGKILL to the whole process group: a crash, for failure tests. */
  async kill(): Promise<void> {
    if (!this.child || this.state === 'exited' || this.state === 'stopped') return;
    this.state = 'stopping';
    signalGroup(this.child.pid!, 'SIGKILL');
    await this.exited;
    this.state = 'stopped';
    this.child = undefined;
  }

  private pidFile(): string {
    return join(this.stateDir, 'pids', `${this.name}.pid`);
  }
}

/**
 * Kills process groups whose pid files a previous runner left behind (one killed with SIGKILL
 * cannot clean up), so a new start never finds a stray JVM, Jaeger or Postgres on its ports.
 */
export async function killLeftovers(stateDir: string): Promise<string[]> {
  const dir = join(stateDir, 'pids');
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const killed: string[] = [];
  for (const file of files) {
    const pid = Number(readFileSync(join(dir, file), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 1 && processAlive(pid)) {
      signalGroup(pid, 'SIGKILL');
      await waitFor(`leftover ${file}`, async () => !processAlive(pid), 10_000, 100);
      killed.push(file.replace(/\.pid$/, ''));
    }
    rmSync(join(dir, file), { force: true });
  }
  return killed;
}
