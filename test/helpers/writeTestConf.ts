import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { confDir } from '../../src/cli/provision/paths';
import { REDIS_POOLS } from '../../src/cli/provision/DbSettings';
import { findServer } from '../../src/cli/serverCatalog';
import { testDb } from './testDb';

/** A value for a key; null removes the key from the file (to test "missing key" handling). */
export type ConfOverrides = Record<string, string | number | null>;

/** Listener ports per server: set to 0 so the kernel picks a free port in tests. */
const LISTEN_PORT_KEYS: Record<string, string[]> = {
  login: ['ClientPort', 'HttpPort', 'MsgServerPort'],
  msg: ['ListenPort'],
  route: ['ListenMsgPort'],
  db_proxy: ['ListenPort'],
  file: ['ClientListenPort', 'MsgServerListenPort'],
  msfs: ['ListenPort'],
  http_msg: ['ListenPort'],
  push: ['ListenPort'],
};

const made: string[] = [];
process.once('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** Settings every test conf gets before the caller's overrides. */
function baseOverrides(kind: string, dir: string): ConfOverrides {
  const o: ConfOverrides = {};
  for (const k of LISTEN_PORT_KEYS[kind] ?? []) o[k] = 0;
  if (kind === 'db_proxy') {
    const t = testDb();
    for (const pool of ['teamtalk_master', 'teamtalk_slave']) {
      o[`${pool}_host`] = t.mysql.host;
      o[`${pool}_port`] = t.mysql.port;
      o[`${pool}_dbname`] = t.mysql.database;
      o[`${pool}_username`] = t.mysql.user;
      o[`${pool}_password`] = t.mysql.password;
    }
    for (const pool of REDIS_POOLS) {
      o[`${pool}_host`] = t.redis.host;
      o[`${pool}_port`] = t.redis.port;
      o[`${pool}_db`] = t.redis.dbs[pool];
    }
  }
  if (kind === 'msfs') o.BaseDir = path.join(dir, 'msfs');
  return o;
}

/**
 * Rewrites `text` with the overrides: a key's first (effective) line is replaced in place, keys
 * not in the file are appended, null deletes every line of the key. Comments are kept.
 */
export function applyOverrides(text: string, overrides: ConfOverrides): string {
  const done = new Set<string>();
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const code = line.split('#', 1)[0]!;
    const eq = code.indexOf('=');
    const key = eq >= 0 ? code.slice(0, eq).trim() : '';
    if (key !== '' && Object.prototype.hasOwnProperty.call(overrides, key)) {
      const v = overrides[key];
      if (v === null || v === undefined || done.has(key)) continue;
      out.push(`${key}=${v}`);
      done.add(key);
      continue;
    }
    out.push(line);
  }
  for (const [k, v] of Object.entries(overrides)) {
    if (v !== null && v !== undefined && !done.has(k)) out.push(`${k}=${v}`);
  }
  return out.join('\n');
}

/**
 * Writes a temporary copy of conf/<server>.conf for a server under test: listeners on port 0,
 * db_proxy pointed at the test database and test Redis dbs, msfs storing under the temp dir; then
 * the caller's overrides (e.g. the real ports of peers started earlier in the test). Returns the
 * file's path; the directory is removed when the process exits.
 * `kind` is the server's folder name (`msg`) or its original name (`msg_server`).
 */
export function writeTestConf(kind: string, overrides: ConfOverrides = {}): string {
  const info = findServer(kind);
  if (info === undefined) throw new Error(`writeTestConf: unknown server kind "${kind}"`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tt-test-${info.name}-`));
  made.push(dir);
  const template = fs.readFileSync(path.join(confDir, info.confFile), 'utf8');
  const text = applyOverrides(applyOverrides(template, baseOverrides(info.name, dir)), overrides);
  const file = path.join(dir, info.confFile);
  fs.writeFileSync(file, text);
  return file;
}
