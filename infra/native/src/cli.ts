/**
 * The native runner: `npm start` (up) runs docker-compose.yml's topology as local processes;
 * `npm run stack -- status|start|stop|restart|kill <name>|down` controls the running one.
 */
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAdminToken } from './admin-token';
import { AddressMap } from './addresses';
import { planNative, type Plan } from './components';
import { ACTIONS, callControl, controlSocket, envFromFlags, serveControl } from './control';
import { nodeRuntimeProblem, readNodePin } from './node-runtime';
import { modeFile, resolvePaths, type Paths } from './paths';
import { loadProject, profileEnvFile, profilesFrom, recordedProfiles, recordProfiles, type Project } from './project';
import { bold, dim, green, info, red, seconds, setPrefixWidth, step, warn } from './progress';
import { ensureDebianPackages, missingDebianPackages } from './provision/debian';
import { ensureSecureState, securePki } from './secure/pki';
import { Stack } from './stack';
import { killLeftovers, type Status } from './supervisor';
import { waitFor } from './wait';

const USAGE = `usage:
  npm start [-- --fresh] [-- --quiet] [-- --secure]
                                           run the whole stack natively (Ctrl-C stops it);
                                           --secure: TLS and authentication on every hop
                                           (docker-compose.secure.yml merged on)
  npm start -- --profile cluster           with a compose profile's services and settings too
                                           (repeatable; default: COMPOSE_PROFILES, else none)
  npm run stack -- status                  show every component of the running stack
  npm run stack -- start|stop|restart <name>
  npm run stack -- restart <name>|apps [--env NAME=value]...
                                           restart one component, or every app service (apps),
                                           with extra environment; it sticks across stop/start/kill
                                           until the next restart without --env  npm run stack -- kill <name>             SIGKILL a component (failure tests)
  npm run stack -- down                    stop the running stack`;

function load(paths: Paths, profiles: string[], secure: boolean): { plan: Plan; project: Project } {
  const project = loadProject(paths, profiles, process.env, secure);
  return {
    plan: planNative(project.services, paths, new AddressMap(project.all), project.all, secure ? securePki(paths) : undefined),
    project,
  };
}

/** Which mode the data in the state folder was made in: switching modes starts from empty data. */
const modeOf = (paths: Paths) => (existsSync(modeFile(paths)) ? readFileSync(modeFile(paths), 'utf8').trim() : undefined);

async function provision(plan: Plan): Promise<void> {
  const needs = plan.components.flatMap((c) => c.debian);
  if (missingDebianPackages(needs).length) {
    await step('installing system packages with apt-get', async () => {
      await ensureDebianPackages(needs);
    });
  }
  const unique = new Map(plan.components.flatMap((c) => c.provision).map((p) => [p.label, p]));
  await Promise.all([...unique.values()].map((p) => step(p.label, p.run)));
}

async function up(args: string[]): Promise<void> {
  const paths = resolvePaths();
  const pin = readNodePin(paths.root);
  const problem = nodeRuntimeProblem(process.versions.node, pin);
  if (problem) throw new Error(problem);
  const { values } = parseArgs({ args, allowPositionals: true, strict: false, options: { profile: { type: 'string', multiple: true } } });
  const profiles = profilesFrom((values.profile ?? []) as string[]);
  const secure = args.includes('--secure');
  const mode = secure ? 'secure' : 'default';
  const previousMode = modeOf(paths);
  const switching = previousMode !== undefined && previousMode !== mode;
  const fresh = args.includes('--fresh') || switching;
  const quiet = args.includes('--quiet');
  const began = Date.now();
  const socket = controlSocket(paths);
  const running = await callControl<Status[]>(socket, 'GET', '/status', 2000).then(
    () => true,
    () => false,
  );
  if (running) throw new Error('the native stack is already running (see `npm run stack -- status`; stop it with `npm run stack -- down`)');

  const admin = ensureAdminToken(paths);
  const { plan, project } = load(paths, profiles, secure);
  const services = project.services;
  mkdirSync(paths.state, { recursive: true });
  // A broker's data is formatted for one controller quorum: another profile's needs fresh data.
  const before = recordedProfiles(paths);
  if (!fresh && existsSync(join(paths.state, 'data')) && before.join(',') !== profiles.join(',')) {
    throw new Error(
      `the data in ${paths.state} was made with ${before.length ? `profile ${before.join(', ')}` : 'no profile'}; start with --fresh to run ${profiles.length ? `profile ${profiles.join(', ')}` : 'without a profile'}`,
    );
  }
  const leftovers = await killLeftovers(paths.state);
  if (leftovers.length) warn(`killed processes a previous run left behind: ${leftovers.join(', ')}`);
  if (fresh) {
    info(
      switching
        ? `the data was made in ${previousMode} mode: removing it for a ${mode} start`
        : '--fresh: removing the data of the previous run',
    );
    rmSync(join(paths.state, 'data'), { recursive: true, force: true });
    for (const c of plan.components) rmSync(join(paths.state, c.name), { recursive: true, force: true });
    rmSync(paths.postgresRoot, { recursive: true, force: true });
  }
  writeFileSync(modeFile(paths), `${mode}\n`);
  recordProfiles(paths, profiles);
  info(`state in ${paths.state}, downloads and builds cached in ${paths.cache}`);
  if (profiles.length) {
    const files = profiles
      .map((p) => profileEnvFile(paths, p))
      .filter(existsSync)
      .map((f) => f.slice(paths.root.length + 1));
    info(`profile ${profiles.join(', ')}: ${services.length} services${files.length ? `, settings from ${files.join(', ')}` : ''}`);
  }
  if (secure) {
    const created = ensureSecureState(paths, services);
    info(
      `secure mode: the local CA, a certificate per component and generated passwords are in ${securePki(paths).dir} (${created.length ? `created ${created.length}` : 'kept'}; --fresh rotates them; trust ca.crt there as docs/secure-mode.md says)`,
    );
  }
  // Services start with this very binary (see node-service.ts), so this is what they run on.
  info(
    `services run on Node ${process.version} (${process.execPath})${process.versions.node === pin.version ? '' : `; hoptrace pins ${pin.version}`}`,
  );
  await provision(plan);

  setPrefixWidth(plan.components.map((c) => c.name));
  const stack = new Stack(plan.components, services, paths.state, !quiet);
  let stopping: Promise<void> | undefined;
  const shutdown = (signal = 'shutdown') => {
    if (stopping) {
      if (signal !== 'shutdown') warn('already stopping; press Ctrl-C again in a few seconds to force');
      return stopping;
    }
    info(`${signal}: stopping in reverse order`);
    stopping = stack
      .stopAll((m) => info(`${dim('■')} ${m.name} stopped`))
      .then(() => {
        server.close();
        rmSync(socket, { force: true });
        info(`${green('✓')} stopped; nothing left running`);
        process.exit(0);
      });
    return stopping;
  };
  const server = await serveControl(socket, stack, () => void shutdown());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

  try {
    await step(`starting ${plan.components.length} components`, () =>
      stack.startAll((m) => info(`${green('✓')} ${m.name} ready ${dim(`(${seconds(m.status().readyMs ?? 0)})`)}`)),
    );
  } catch (err) {
    console.error(red(`\n${err instanceof Error ? err.message : String(err)}\n`));
    info('logs are in .hoptrace/logs/; stopping what started');
    await stack.stopAll();
    server.close();
    rmSync(socket, { force: true });
    process.exit(1);
  }
  const total = Date.now() - began;
  writeFileSync(
    join(paths.state, 'ready.json'),
    JSON.stringify({ readyAt: new Date().toISOString(), startMs: total, mode, components: stack.status() }, null, 2),
  );
  console.log();
  info(bold(`hoptrace is up${secure ? ' in secure mode' : ''}: all ${plan.components.length} components ready in ${seconds(total)}`));
  // App entry points (the storefront) first: that is where a newcomer goes.
  const byKind = [...plan.components].sort((a, b) => Number(b.kind === 'node') - Number(a.kind === 'node'));
  for (const c of byKind) for (const u of c.urls ?? []) console.log(`  ${u.label.padEnd(34)} ${u.url}`);
  for (const c of plan.composeOnly) console.log(`  ${dim(`${c.name}: not run natively. ${c.reason}`)}`);
  const origin = admin.source === 'kept' ? 'kept from an earlier start' : 'generated';
  console.log(
    `  ${'Admin token'.padEnd(34)} ${admin.source === 'env' ? 'from HOPTRACE_ADMIN_TOKEN' : `${admin.token}  (${origin}, in .hoptrace/admin-token; set HOPTRACE_ADMIN_TOKEN to choose one)`}`,
  );
  console.log(`  ${dim('Ctrl-C stops everything; `npm run stack -- status` shows each component')}\n`);
}

function printStatus(rows: Status[]): void {
  console.log(`${'NAME'.padEnd(16)}${'KIND'.padEnd(12)}${'STATE'.padEnd(10)}${'PID'.padEnd(9)}PORTS`);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(16)}${r.kind.padEnd(12)}${r.state.padEnd(10)}${String(r.pid ?? '-').padEnd(9)}${r.ports.join(',')}${
        r.extraEnv
          ? `  with ${Object.entries(r.extraEnv)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`
          : ''
      }${r.detail ? `  ${r.detail}` : ''}`,
    );
  }
}

function describe(status: Status): string {
  const extra = Object.entries(status.extraEnv ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${status.name}: ${status.state}${status.pid ? ` (pid ${status.pid})` : ''}${extra ? ` with ${extra}` : ''}`;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { env: { type: 'string', multiple: true } },
  });
  const [command, name] = positionals;
  const socket = controlSocket(resolvePaths());
  if (command === 'up') return up(argv);
  if (command === 'status') return printStatus(await callControl<Status[]>(socket, 'GET', '/status'));
  if (command === 'down') {
    await callControl(socket, 'POST', '/shutdown');
    info('stopping the native stack');
    await waitFor(
      'the native stack to stop',
      async () =>
        !(await callControl(socket, 'GET', '/status', 2000).then(
          () => true,
          () => false,
        )),
      120_000,
      250,
    );
    return info('stopped');
  }
  if ((ACTIONS as readonly string[]).includes(command ?? '')) {
    if (!name) throw new Error(`\`${command}\` needs a component name\n${USAGE}`);
    const envFlags = (values.env ?? []) as string[];
    if (envFlags.length && command !== 'restart') throw new Error(`--env goes with restart only\n${USAGE}`);
    const body = command === 'restart' ? { env: envFromFlags(envFlags) } : undefined;
    const result = await callControl<Status | Status[]>(socket, 'POST', `/components/${name}/${command}`, 180_000, body);
    for (const status of Array.isArray(result) ? result : [result]) info(`${command === 'restart' ? 'restarted ' : ''}${describe(status)}`);
    return;
  }
  console.log(USAGE);
  if (command && command !== 'help') process.exitCode = 2;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(red(err instanceof Error ? err.message : String(err)));
  process.exit(1);
});
