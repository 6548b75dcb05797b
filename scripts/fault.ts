/**
 * `npm run fault -- list | add <service> <kind>[:<param>] [--rate 0.5] [--route /path] | clear`
 * Sets the gateway's global fault rules through its admin API (token from HOPTRACE_ADMIN_TOKEN or
 * the running stack's .hoptrace/admin-token).
 */
import { FaultRules, type FaultRuleInput } from '@hoptrace/contracts';
import { parseArgs } from 'node:util';
import { readAdminToken } from '../infra/native/src/admin-token';
import { resolvePaths } from '../infra/native/src/paths';

const USAGE = `usage:
  npm run fault -- list
  npm run fault -- add <service> <kind>[:<ms>] [--rate 0..1] [--route /path-or-topic]
      kinds: error, latency:<ms>, hang, poison, crash; services: gateway orders inventory payments fulfillment notifications
  npm run fault -- clear`;

const gateway = process.env.HOPTRACE_GATEWAY_URL ?? 'http://127.0.0.1:8080';

async function call(method: string, rules?: FaultRuleInput[]): Promise<FaultRules> {
  const res = await fetch(`${gateway}/api/admin/faults`, {
    method,
    headers: { authorization: `Bearer ${readAdminToken(resolvePaths())}`, ...(rules ? { 'content-type': 'application/json' } : {}) },
    body: rules ? JSON.stringify({ rules }) : undefined,
  }).catch((err: Error) => {
    throw new Error(`the gateway at ${gateway} is unreachable (${err.message}); is the stack running?`);
  });
  const body = (await res.json()) as { error?: { message: string; fields?: Record<string, string> } };
  if (!res.ok) throw new Error(`${res.status}: ${body.error?.message}${body.error?.fields ? ` ${JSON.stringify(body.error.fields)}` : ''}`);
  return FaultRules.parse(body);
}

function print({ rules }: FaultRules): void {
  if (!rules.length) return console.log('no global fault rules');
  for (const r of rules) {
    console.log(
      `${r.id}  ${r.service.padEnd(13)} ${r.kind}${r.param !== undefined ? `:${r.param}` : ''}  rate ${r.rate}${r.route ? `  route ${r.route}` : ''}`,
    );
  }
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { rate: { type: 'string' }, route: { type: 'string' } } });
  const [command, service, spec] = positionals;
  if (command === 'list') return print(await call('GET'));
  if (command === 'clear') return print(await call('DELETE'));
  if (command === 'add' && service && spec) {
    const [kind, param] = spec.split(':');
    const rule = {
      service,
      kind,
      ...(param !== undefined ? { param: Number(param) } : {}),
      ...(values.rate !== undefined ? { rate: Number(values.rate) } : {}),
      ...(values.route ? { route: values.route } : {}),
    } as FaultRuleInput;
    const current = (await call('GET')).rules.map(({ id: _id, ...r }) => r);
    return print(await call('PUT', [...current, rule]));
  }
  console.log(USAGE);
  process.exitCode = 2;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
