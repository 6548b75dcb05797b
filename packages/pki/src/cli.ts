#!/usr/bin/env node
/**
 * `hoptrace-pki <dir> [--owner <name>=<uid>:<gid>]...`: compose's pki-init runs the generator the
 * native runner uses (index.ts) on the pki volume. It prints what it created, never a secret.
 */
import { SERVICE_NAMES } from '@hoptrace/contracts';
import { ensurePki, identitiesFor } from './index';

const [dir, ...rest] = process.argv.slice(2);
const owners: Record<string, { uid: number; gid: number }> = {};
for (let i = 0; i < rest.length; i++) {
  const match = rest[i] === '--owner' ? /^(\*|[\w-]+)=(\d+):(\d+)$/.exec(rest[++i] ?? '') : null;
  if (!match) {
    console.error('usage: hoptrace-pki <dir> [--owner <name>=<uid>:<gid>]...');
    process.exit(2);
  }
  owners[match[1]!] = { uid: Number(match[2]), gid: Number(match[3]) };
}
if (!dir) {
  console.error('usage: hoptrace-pki <dir> [--owner <name>=<uid>:<gid>]...');
  process.exit(2);
}
const created = ensurePki(dir, { identities: identitiesFor(SERVICE_NAMES), owners });
console.log(
  created.length ? `hoptrace-pki: created ${created.join(', ')} in ${dir}` : `hoptrace-pki: kept the CA and certificates in ${dir}`,
);
