import { ADMIN_IDENTITY, type PkiPaths } from '../../../../packages/pki/src/index';
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';

/**
 * How the runner (and the tests) call a service in secure mode: trusting only the local CA and
 * presenting the operator's certificate (hoptrace-admin), as services present theirs to each other.
 */
export function adminDispatcher(pki: PkiPaths): Agent {
  return new Agent({ connect: { ca: readFileSync(pki.ca), cert: readFileSync(pki.cert(ADMIN_IDENTITY)), key: readFileSync(pki.key(ADMIN_IDENTITY)) } });
}
