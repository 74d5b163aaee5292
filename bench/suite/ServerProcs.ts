import * as fs from 'node:fs';
import * as path from 'node:path';

/** Server roles the bench watches, by how they appear in a command line (ours and the original's). */
export const ROLES: Record<string, { tt: string; original: string }> = {
  msg: { tt: 'msg', original: 'msg_server' },
  route: { tt: 'route', original: 'route_server' },
  login: { tt: 'login', original: 'login_server' },
  db_proxy: { tt: 'db_proxy', original: 'db_proxy_server' },
};

/** Linux's USER_HZ; 100 on every mainstream build. */
const CLK_TCK = 100;

export function readCmdline(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter((s) => s !== '');
  } catch {
    return undefined;
  }
}

/** Does this command line run the role: `node .../tt.js msg ...` or `./msg_server`? */
export function cmdlineIsRole(argv: string[], role: string): boolean {
  const r = ROLES[role];
  if (r === undefined) return false;
  const tt = argv.findIndex((a) => path.basename(a) === 'tt.js');
  if (tt >= 0 && argv[tt + 1] === r.tt) return true;
  return argv.length > 0 && path.basename(argv[0]!) === r.original;
}

/** Every process on this machine running the role (several msg_servers in the mixed scenario). */
export function findPids(role: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const argv = readCmdline(Number(d));
    if (argv !== undefined && cmdlineIsRole(argv, role)) out.push(Number(d));
  }
  return out.sort((a, b) => a - b);
}

/** Resident set size in KiB (VmRSS), undefined when the process is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** user+system CPU seconds used so far. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // the command name may contain spaces and parentheses: fields start after the last ')'
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

export interface ProcSnapshot {
  role: string;
  pid: number;
  rssKiB: number;
  cpuSec: number;
  at: number;
}

export function snapshot(role: string, pids: number[]): ProcSnapshot[] {
  const out: ProcSnapshot[] = [];
  for (const pid of pids) {
    const rss = rssKiB(pid);
    const cpu = cpuSeconds(pid);
    if (rss !== undefined && cpu !== undefined) out.push({ role, pid, rssKiB: rss, cpuSec: cpu, at: Date.now() });
  }
  return out;
}

/** pids per role: given on the command line, or found in /proc. */
export function resolvePids(given: Partial<Record<string, number[]>>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const role of Object.keys(ROLES)) out[role] = given[role] !== undefined && given[role]!.length > 0 ? given[role]! : findPids(role);
  return out;
}
