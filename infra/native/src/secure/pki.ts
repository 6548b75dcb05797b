import { join } from 'node:path';
import { ensurePki, identitiesFor, pkiPaths, type PkiPaths } from '../../../../packages/pki/src/index';
import type { ComposeService } from '../compose';
import type { Paths } from '../paths';

/**
 * The compose volume secure mode keeps its CA in (docker-compose.secure.yml mounts it); natively,
 * like every named volume, a folder of the state directory: .hoptrace/data/pki, which --fresh
 * removes, so the next secure start issues a new CA.
 */
export const PKI_VOLUME = 'pki';

export const securePki = (paths: Paths): PkiPaths => pkiPaths(join(paths.state, 'data', PKI_VOLUME));

/** The CA, the identities of every app service of the topology, and their passwords; what exists is kept. */
export function ensureSecureState(paths: Paths, services: ComposeService[]): string[] {
  const apps = services.filter((s) => s.native?.kind === 'node').map((s) => s.name);
  return ensurePki(securePki(paths).dir, { identities: identitiesFor(apps) });
}
