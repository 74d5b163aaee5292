import { randomInt } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { storedPassword, wirePassword } from '../../src/pdu/crypto';

export interface BenchAccount {
  id: number;
  name: string;
}

export const DEFAULT_PREFIX = 'bench';
export const DEFAULT_PASSWORD = 'bench123';
const INSERT_CHUNK = 1000;

/** bench000001, bench000002, ... (IMUser.name is varchar(32)) */
export function accountName(prefix: string, i: number): string {
  return `${prefix}${String(i).padStart(6, '0')}`;
}

function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

interface UserRow extends RowDataPacket {
  id: number;
  name: string;
  password: string;
  salt: string;
  status: number | null;
}

export interface EnsureResult {
  accounts: BenchAccount[];
  created: number;
  repaired: number;
}

/**
 * Makes sure accounts prefix000001..prefix<count> exist and accept `plain`, the way the PHP admin
 * creates users (schema.md §4.3): password = md5hex(md5hex(plain) + salt), salt a random 0-9999
 * in decimal, status 0. Idempotent: existing rows are kept, rows with another password or a
 * non-zero status are repaired, missing ones are inserted in bulk (escaped by mysql2, never pasted).
 */
export async function ensureAccounts(pool: Pool, prefix: string, count: number, plain: string): Promise<EnsureResult> {
  if (!/^[A-Za-z0-9_.-]{1,20}$/.test(prefix)) throw new Error(`account prefix ${JSON.stringify(prefix)}: use 1-20 of [A-Za-z0-9_.-]`);
  const wire = wirePassword(plain);
  const existing = await loadExisting(pool, prefix);
  const now = Math.floor(Date.now() / 1000);
  const [departs] = await pool.query<RowDataPacket[]>('SELECT MIN(id) AS id FROM IMDepart');
  const departId = Number((departs[0] as { id: number | null } | undefined)?.id ?? 1) || 1;

  const missing: unknown[][] = [];
  let repaired = 0;
  for (let i = 1; i <= count; i++) {
    const name = accountName(prefix, i);
    const row = existing.get(name);
    if (row === undefined) {
      const salt = String(randomInt(10000));
      missing.push([1, name, name, name, storedPassword(wire, salt), salt, '', '', '', departId, 0, now, now, 0, 'bench account']);
    } else if (row.status !== 0 || row.password.toLowerCase() !== storedPassword(wire, row.salt)) {
      const salt = row.salt !== '' ? row.salt : String(randomInt(10000));
      await pool.execute('UPDATE IMUser SET password = ?, salt = ?, status = 0, updated = ? WHERE id = ?', [storedPassword(wire, salt), salt, now, row.id]);
      repaired++;
    }
  }
  for (let i = 0; i < missing.length; i += INSERT_CHUNK) {
    await pool.query(
      'INSERT INTO IMUser (sex, name, domain, nick, password, salt, phone, email, avatar, departId, status, created, updated, push_shield_status, sign_info) VALUES ?',
      [missing.slice(i, i + INSERT_CHUNK)],
    );
  }
  const after = missing.length > 0 ? await loadExisting(pool, prefix) : existing;
  const accounts: BenchAccount[] = [];
  for (let i = 1; i <= count; i++) {
    const name = accountName(prefix, i);
    const row = after.get(name);
    if (row === undefined) throw new Error(`account ${name} is still missing after the insert`);
    accounts.push({ id: row.id, name });
  }
  return { accounts, created: missing.length, repaired };
}

async function loadExisting(pool: Pool, prefix: string): Promise<Map<string, UserRow>> {
  const [rows] = await pool.query<UserRow[]>(
    "SELECT id, name, password, salt, status FROM IMUser WHERE name LIKE ? ESCAPE '\\\\' ORDER BY id",
    [likePrefix(prefix)],
  );
  const byName = new Map<string, UserRow>();
  // names are not unique in IMUser (schema.md §2.1): the first (lowest id) one is the bench's
  for (const r of rows) if (!byName.has(r.name)) byName.set(r.name, r);
  return byName;
}

const SHARDS = 8;
const ID_CHUNK = 1000;

/** Rows in IMMessage_0..7 sent by these users at or after `sinceSec` (schema.md §3: sharded by relation). */
export async function countSingleMessages(pool: Pool, fromUids: number[], sinceSec: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < fromUids.length; i += ID_CHUNK) {
    const ids = fromUids.slice(i, i + ID_CHUNK);
    for (let k = 0; k < SHARDS; k++) {
      const [rows] = await pool.query<RowDataPacket[]>(
        `SELECT COUNT(*) AS n FROM IMMessage_${k} WHERE fromId IN (?) AND created >= ?`, [ids, sinceSec]);
      total += Number((rows[0] as { n: number }).n);
    }
  }
  return total;
}

/** Rows in IMGroupMessage_<g mod 8> of these groups. */
export async function countGroupMessages(pool: Pool, gids: number[]): Promise<number> {
  let total = 0;
  const byShard = new Map<number, number[]>();
  for (const g of gids) byShard.set(g % SHARDS, [...(byShard.get(g % SHARDS) ?? []), g]);
  for (const [k, ids] of byShard) {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM IMGroupMessage_${k} WHERE groupId IN (?)`, [ids]);
    total += Number((rows[0] as { n: number }).n);
  }
  return total;
}
