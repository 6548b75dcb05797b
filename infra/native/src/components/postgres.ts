import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../provision/command';
import { type NativeComponent, type NativeContext, hostPath, nativeEnv } from './context';

const BIN = '/usr/lib/postgresql/15/bin';

/** Postgres refuses to run as root: every server-side command runs as the postgres user. */
const asPostgres = (command: string, args: string[]) => ({
  command: 'setpriv',
  args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', join(BIN, command), ...args],
});

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('the postgres system user does not exist: install the postgresql-15 Debian package');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export function createPostgres(ctx: NativeContext): NativeComponent {
  const env = nativeEnv(ctx);
  const port = ctx.addresses.port(ctx.service.name, 5432);
  const user = env.POSTGRES_USER || 'postgres';
  const root = ctx.paths.postgresRoot;
  const data = join(root, 'data');
  const socketDir = join(root, 'run');
  const initialised = join(root, '.initialised');
  const initScripts = hostPath(ctx, '/docker-entrypoint-initdb.d');
  const psql = (file: string) => runCommand(join(BIN, 'psql'), ['-h', ctx.addresses.host, '-p', String(port), '-U', user, '-d', 'postgres',
    '-v', 'ON_ERROR_STOP=1', '-q', '-f', file], { env: { ...process.env, PGPASSWORD: env.POSTGRES_PASSWORD ?? '' } });

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
      for (const dir of [root, socketDir]) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        chownSync(dir, uid, gid);
      }
      if (!existsSync(join(data, 'PG_VERSION'))) {
        const { command, args } = asPostgres('initdb', ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
        await runCommand(command, args, { cwd: '/' });
      }
    },
    launch() {
      const { command, args } = asPostgres('postgres', ['-D', data, '-p', String(port), '-k', socketDir,
        '-c', `listen_addresses=${ctx.addresses.host}`, '-c', 'max_connections=200']);
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
      for (const file of readdirSync(initScripts).filter((f) => f.endsWith('.sql')).sort()) await psql(join(initScripts, file));
      writeFileSync(initialised, `${new Date().toISOString()}\n`);
    },
  };
}
