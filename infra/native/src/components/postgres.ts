import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runCommand } from '../provision/command';
import { type NativeComponent, type NativeContext, hostPath, nativeEnv, nativeValue } from './context';

const BIN = '/usr/lib/postgresql/15/bin';

/** Postgres refuses to run as root: every server-side command runs as the postgres user. */
const asPostgres = (command: string, args: string[]) => ({
  command: 'setpriv',
  args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', join(BIN, command), ...args],
});

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('the postgres system user does not exist: install the postgresql-15 Debian package');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** `-c name=value` settings of the compose command (`postgres -c ssl=on …`, secure mode's override). */
export function serverSettings(command: string[]): [string, string][] {
  const settings: [string, string][] = [];
  for (let i = 0; i < command.length; i++) {
    const match = command[i] === '-c' ? /^([\w.]+)=(.*)$/.exec(command[i + 1] ?? '') : null;
    if (match) settings.push([match[1]!, match[2]!]);
  }
  return settings;
}

export function createPostgres(ctx: NativeContext): NativeComponent {
  const env = nativeEnv(ctx);
  // A password file (secure mode) or the password itself, as the postgres image takes them.
  const passwordFile = env.POSTGRES_PASSWORD_FILE;
  const password = () => (passwordFile ? readFileSync(passwordFile, 'utf8').trim() : (env.POSTGRES_PASSWORD ?? ''));
  const port = ctx.addresses.port(ctx.service.name, 5432);
  const user = env.POSTGRES_USER || 'postgres';
  const root = ctx.paths.postgresRoot;
  const data = join(root, 'data');
  const socketDir = join(root, 'run');
  const initialised = join(root, '.initialised');
  const initScripts = hostPath(ctx, '/docker-entrypoint-initdb.d');
  // Files the server reads (secure mode's key, certificate, pg_hba.conf) are copied where the postgres
  // user may read them: the checkout may be under a home it cannot traverse, and a key must be its own, 0600.
  const confDir = join(root, 'conf');
  const settings = serverSettings(ctx.service.command).map(([name, value]): [string, string, string | undefined] => {
    const source = nativeValue(ctx, value);
    return source !== value ? [name, join(confDir, basename(source)), source] : [name, value, undefined];
  });
  // Secure mode's init scripts connect as the image's do (TLS, password), with the container's
  // environment (HOPTRACE_SECRETS: where the roles' passwords are).
  const tls = ctx.pki ? { PGSSLMODE: 'verify-full', PGSSLROOTCERT: ctx.pki.ca } : {};
  const psql = (file: string) =>
    runCommand(
      join(BIN, 'psql'),
      ['-h', ctx.addresses.host, '-p', String(port), '-U', user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-f', file],
      { env: { ...process.env, ...env, ...tls, PGPASSWORD: password() } },
    );

  return {
    name: ctx.service.name,
    kind: 'postgres',
    ports: [port],
    debian: [{ pkg: 'postgresql-15', provides: join(BIN, 'postgres'), why: 'the orders and inventory databases' }],
    provision: [],
    readyTimeoutMs: 60_000,
    urls: [{ label: 'PostgreSQL', url: `postgres://${user}@${ctx.addresses.host}:${port}/postgres` }],
    async prepare() {
      const { uid, gid } = postgresIds();
      for (const dir of [root, socketDir, confDir]) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        chownSync(dir, uid, gid);
      }
      for (const [, target, source] of settings) {
        if (!source) continue;
        copyFileSync(source, target);
        chownSync(target, uid, gid);
        chmodSync(target, 0o600);
      }
      if (!existsSync(join(data, 'PG_VERSION'))) {
        // With a password file, the superuser gets that password and password authentication, as
        // the image's initdb does; without, trust (the default mode's local stack).
        const pwfile = join(confDir, 'initdb-password');
        if (passwordFile) {
          writeFileSync(pwfile, password(), { mode: 0o600 });
          chownSync(pwfile, uid, gid);
        }
        const auth = passwordFile ? ['-A', 'scram-sha-256', `--pwfile=${pwfile}`] : ['-A', 'trust'];
        const { command, args } = asPostgres('initdb', ['-D', data, '-U', user, ...auth, '-E', 'UTF8', '--locale=C.UTF-8']);
        try {
          await runCommand(command, args, { cwd: '/' });
        } finally {
          rmSync(pwfile, { force: true });
        }
      }
    },
    launch() {
      const { command, args } = asPostgres('postgres', [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        socketDir,
        '-c',
        `listen_addresses=${ctx.addresses.host}`,
        '-c',
        'max_connections=200',
        ...settings.flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ]);
      // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
      return { command, args, env, cwd: '/', stopSignal: 'SIGINT', stopTimeoutMs: 30_000 };
    },
    // Same check as the compose healthcheck.
    async ready() {
      await runCommand(join(BIN, 'pg_isready'), ['-h', ctx.addresses.host, '-p', String(port), '-U', user, '-q']);
      return true;
    },
    // What the postgres image does with /docker-entrypoint-initdb.d on an empty data directory.
    async afterReady() {
      if (existsSync(initialised) || !initScripts || !existsSync(initScripts)) return;
      for (const file of readdirSync(initScripts)
        .filter((f) => f.endsWith('.sql'))
        .sort())
        await psql(join(initScripts, file));
      writeFileSync(initialised, `${new Date().toISOString()}\n`);
    },
  };
}
