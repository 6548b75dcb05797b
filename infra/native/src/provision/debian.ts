import { existsSync } from 'node:fs';
import { runCommand } from './command';

/** A Debian package the native stack needs, and a file whose presence shows it is installed. */
export interface DebianNeed {
  pkg: string;
  provides: string;
  why: string;
}

export function missingDebianPackages(needs: DebianNeed[]): DebianNeed[] {
  return needs.filter((n) => !existsSync(n.provides));
}

/**
 * Installs what is missing with apt-get when running as root; otherwise stops with the exact
 * command to run, since nothing else can install system packages.
 */
export async function ensureDebianPackages(needs: DebianNeed[]): Promise<string[]> {
  const missing = missingDebianPackages(needs);
  const pkgs = [...new Set(missing.map((n) => n.pkg))];
  if (pkgs.length === 0) return [];
  const reasons = missing.map((n) => `${n.pkg} (${n.why})`).join(', ');
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `missing system packages: ${reasons}.\nInstall them, then start again:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update', '-q'], { env, label: 'running apt-get update' });
  await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { env, label: `installing ${pkgs.join(' ')}` });
  const still = missingDebianPackages(missing);
  if (still.length) throw new Error(`apt-get installed ${pkgs.join(' ')} but ${still.map((n) => n.provides).join(', ')} is still missing`);
  return pkgs;
}
