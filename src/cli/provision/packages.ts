import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A program provisioning needs and the Debian package that ships it. */
export interface Need {
  /** Accepted names of the binary (first found wins), e.g. mariadbd or the older mysqld. */
  bins: string[];
  pkg: string;
}

export type Say = (line: string) => void;

const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

/** Finds an executable on PATH or in the sbin directories (mariadbd lives in /usr/sbin). */
export function which(cmd: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').concat(SBIN);
  for (const d of dirs) {
    if (d === '') continue;
    const p = path.join(d, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function findBin(need: Need): string | undefined {
  for (const b of need.bins) {
    const p = which(b);
    if (p !== undefined) return p;
  }
  return undefined;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

function runVisible(argv: string[]): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.error) throw new Error(`${argv.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with code ${r.status}`);
}

/**
 * Installs the packages of every missing binary with apt-get (as root, or through `sudo -n`).
 * apt's own output stays on screen so a slow download is visibly progressing.
 */
export function ensureBinaries(needs: Need[], say: Say): void {
  const missing = needs.filter((n) => findBin(n) === undefined);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((n) => n.pkg))];
  const what = missing.map((n) => n.bins[0]).join(', ');
  if (which('apt-get') === undefined) {
    throw new Error(`missing ${what}; install ${pkgs.join(' ')} (no apt-get on this machine)`);
  }
  const prefix = isRoot() ? [] : ['sudo', '-n'];
  // Debian's postinst starts system services on 3306/6379; we run private instances instead, so a
  // policy-rc.d that forbids service starts is put in place for the duration of the install.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = isRoot() && !fs.existsSync(policy);
  if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    say(`missing ${what}: installing ${pkgs.join(' ')} with apt-get (progress below)`);
    say('apt-get update');
    runVisible([...prefix, 'apt-get', 'update']);
    say(`apt-get install -y ${pkgs.join(' ')}`);
    runVisible([...prefix, 'apt-get', 'install', '-y', '--no-install-recommends', ...pkgs]);
  } finally {
    if (ownPolicy) fs.rmSync(policy, { force: true });
  }
  const still = needs.filter((n) => findBin(n) === undefined);
  if (still.length > 0) throw new Error(`still missing after apt-get: ${still.map((n) => n.bins[0]).join(', ')}`);
}
