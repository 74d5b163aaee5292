import type { Logger } from '../../../util/log';
import type { Mysql } from '../worker/Mysql';
import { inList } from '../worker/Mysql';
import type { RedisRoles } from '../worker/RedisRoles';
import { RedisKey } from '../worker/RedisRoles';
import { unixNow } from './time';
import { BoundedCache } from './BoundedCache';

export const GROUP_NORMAL = 1;
export const GROUP_TMP = 2;

export interface GroupRow {
  id: number;
  name: string;
  avatar: string;
  creator: number;
  type: number;
  version: number;
}

/** Rewrite (§9): bound on member lists in one request. */
export const MAX_GROUP_MEMBERS = 5000;

/** How old a user's group list may be when it only feeds a push badge count. */
const BADGE_GROUPS_TTL_MS = 5000;

/**
 * Groups: rows in IMGroup/IMGroupMember, and the Redis hash `group_member_<g>` that the original
 * treats as the authoritative membership (B6, schema.md §5.3). Rewrite: a missing hash is rebuilt
 * from the active IMGroupMember rows (value = `updated`) before it is declared absent, and
 * create/change run their MySQL part in one transaction.
 */
export class GroupModel {
  constructor(
    private readonly master: Mysql,
    private readonly slave: Mysql,
    private readonly redis: RedisRoles,
    private readonly log: Logger,
  ) {}

  /** B6 exists, self-healing after a Redis loss. */
  async exists(g: number): Promise<boolean> {
    if (g === 0) return false;
    const n = await this.redis.run('group_member', 'EXISTS', (r) => r.exists(RedisKey.groupMembers(g)));
    if (n > 0) return true;
    return this.rebuild(g);
  }

  private async rebuild(g: number): Promise<boolean> {
    const rows = await this.master.rows<{ userId: number; updated: number }>(
      'SELECT userId, updated FROM IMGroupMember WHERE groupId = ? AND status = 0 ORDER BY id', [g]);
    if (rows.length === 0) return false;
    const fields: string[] = [];
    for (const r of rows) fields.push(String(r.userId), String(r.updated));
    await this.redis.run('group_member', 'rebuild HSET', (r) => r.hset(RedisKey.groupMembers(g), ...fields));
    this.log.warn({ group: g, members: rows.length }, 'group membership hash was missing; rebuilt from IMGroupMember');
    return true;
  }

  /** B6 join time (0 = not a member). */
  async joinTime(u: number, g: number): Promise<number> {
    const v = await this.redis.run('group_member', 'HGET member', (r) => r.hget(RedisKey.groupMembers(g), String(u)));
    return v ? Number(v) || 1 : 0;
  }

  async isMember(u: number, g: number): Promise<boolean> {
    return (await this.joinTime(u, g)) > 0;
  }

  /** B6 members, in string order of the ids like the original. */
  async members(g: number): Promise<number[]> {
    const keys = await this.redis.run('group_member', 'HKEYS', (r) => r.hkeys(RedisKey.groupMembers(g)));
    return keys.sort().map(Number).filter((n) => Number.isInteger(n));
  }

  async membersOfMany(groups: number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    if (groups.length === 0) return out;
    const res = await this.redis.run('group_member', 'HKEYS', async (r) => {
      const p = r.pipeline();
      for (const g of groups) p.hkeys(RedisKey.groupMembers(g));
      const x = await p.exec();
      for (const [err] of x ?? []) if (err) throw err;
      return (x ?? []).map(([, v]) => v as string[]);
    });
    groups.forEach((g, i) => out.set(g, (res[i] ?? []).sort().map(Number)));
    return out;
  }

  /** A user's groups: active memberships, newest `updated` first, then row id (§6.14). */
  private readonly badgeGroups = new BoundedCache<number, { at: number; ids: number[] }>(100_000);

  /**
   * groupIdsOf for the push badge (§6.17 step 4), which is asked for every message to a user with
   * a device token: a list up to 5 s old is good enough for a badge number, and saves a SELECT per
   * message. Everything else (unread counts, group lists) reads the table.
   */
  async groupIdsForBadge(u: number): Promise<number[]> {
    const now = Date.now();
    const hit = this.badgeGroups.get(u);
    if (hit && now - hit.at < BADGE_GROUPS_TTL_MS) return hit.ids;
    const ids = await this.groupIdsOf(u);
    this.badgeGroups.set(u, { at: now, ids });
    return ids;
  }

  async groupIdsOf(u: number): Promise<number[]> {
    const rows = await this.slave.rows<{ groupId: number }>(
      'SELECT groupId FROM IMGroupMember WHERE userId = ? AND status = 0 ORDER BY updated DESC, id ASC', [u]);
    return rows.map((r) => r.groupId);
  }

  /** §6.20: normal groups among ids, by IMGroup.updated descending. */
  async normalVersions(ids: number[]): Promise<Array<{ id: number; version: number }>> {
    if (ids.length === 0) return [];
    const { marks, params } = inList(ids);
    return this.slave.rows<{ id: number; version: number }>(
      `SELECT id, version FROM IMGroup WHERE id IN (${marks}) AND type = 1 ORDER BY updated DESC, id DESC`, params);
  }

  /** §6.21 step 2. */
  async rows(ids: number[]): Promise<GroupRow[]> {
    if (ids.length === 0) return [];
    const { marks, params } = inList(ids);
    const rows = await this.slave.rows<GroupRow>(
      `SELECT id, name, avatar, creator, type, version FROM IMGroup WHERE id IN (${marks}) ORDER BY updated DESC, id DESC`, params);
    return rows.map((r) => ({ ...r, name: r.name ?? '', avatar: r.avatar ?? '' }));
  }

  /** Permission data; read on the master because it decides a write (§3.4 Rewrite). */
  async creatorAndType(g: number): Promise<{ creator: number; type: number } | null> {
    const rows = await this.master.rows<{ creator: number; type: number }>('SELECT creator, type FROM IMGroup WHERE id = ?', [g]);
    return rows[0] ?? null;
  }

  /**
   * §6.22 steps 4–7 as one transaction plus the Redis hash. Fixes: `userCnt` is the member count
   * (the original doubled it), and a failure leaves no half-created group in MySQL.
   */
  async create(name: string, avatar: string, creator: number, type: number, members: number[]): Promise<number> {
    const now = unixNow();
    const g = await this.master.tx(async (c) => {
      const res = await c.exec(
        `INSERT INTO IMGroup (name, avatar, creator, type, userCnt, status, version, lastChated, updated, created)
         VALUES (?, ?, ?, ?, ?, 0, 1, 0, ?, ?)`, [name, avatar, creator, type, members.length, now, now]);
      const id = res.insertId;
      await c.exec('DELETE FROM IMGroupMember WHERE groupId = ?', [id]);
      await insertMembers(c, id, members, now);
      return id;
    });
    await this.redis.run('unread', 'SET group_msg_id', (r) => r.set(RedisKey.groupMsgId(g), '0'));
    await this.writeHash(g, members, now, true);
    return g;
  }

  /** B6 add-members for users not in the hash; returns those added. */
  async addMembers(g: number, users: number[]): Promise<void> {
    if (users.length === 0) return;
    const now = unixNow();
    await this.master.tx(async (c) => {
      const { marks, params } = inList(users);
      const existing = new Set((await c.rows<{ userId: number }>(
        `SELECT userId FROM IMGroupMember WHERE groupId = ? AND userId IN (${marks})`, [g, ...params])).map((r) => r.userId));
      const again = users.filter((u) => existing.has(u));
      const fresh = users.filter((u) => !existing.has(u));
      if (again.length > 0) {
        const l = inList(again);
        await c.exec(`UPDATE IMGroupMember SET status = 0, updated = ? WHERE groupId = ? AND userId IN (${l.marks})`, [now, g, ...l.params]);
      }
      await insertMembers(c, g, fresh, now);
      await recount(c, g);
      await c.exec('UPDATE IMGroup SET version = version + 1 WHERE id = ?', [g]);
    });
    await this.writeHash(g, users, now, false);
  }

  /** B6 remove-members plus the version bump, then the hash. */
  async removeMembers(g: number, users: number[]): Promise<void> {
    if (users.length === 0) return;
    await this.master.tx(async (c) => {
      const { marks, params } = inList(users);
      await c.exec(`UPDATE IMGroupMember SET status = 1 WHERE groupId = ? AND userId IN (${marks})`, [g, ...params]);
      await recount(c, g);
      await c.exec('UPDATE IMGroup SET version = version + 1 WHERE id = ?', [g]);
    });
    await this.redis.run('group_member', 'HDEL members', (r) => r.hdel(RedisKey.groupMembers(g), ...users.map(String)));
  }

  private async writeHash(g: number, users: number[], now: number, replace: boolean): Promise<void> {
    const fields: string[] = [];
    for (const u of users) fields.push(String(u), String(now));
    await this.redis.run('group_member', 'HSET members', async (r) => {
      const m = r.multi();
      if (replace) m.del(RedisKey.groupMembers(g));
      if (fields.length > 0) m.hset(RedisKey.groupMembers(g), ...fields);
      const res = await m.exec();
      for (const [err] of res ?? []) if (err) throw err;
    });
  }
}

async function insertMembers(c: import('../worker/Mysql').TxConn, g: number, users: number[], now: number): Promise<void> {
  // One statement per 64 users; sizes are powers of two so few statements get prepared.
  for (let i = 0; i < users.length;) {
    let n = 64;
    while (n > users.length - i) n >>= 1;
    const chunk = users.slice(i, i + n);
    i += n;
    const params: number[] = [];
    for (const u of chunk) params.push(g, u, now, now);
    await c.exec(`INSERT INTO IMGroupMember (groupId, userId, status, created, updated) VALUES ${new Array(chunk.length).fill('(?,?,0,?,?)').join(',')}`, params);
  }
}

/** schema.md §7 #4 Rewrite: userCnt = active member rows. */
async function recount(c: import('../worker/Mysql').TxConn, g: number): Promise<void> {
  await c.exec('UPDATE IMGroup SET userCnt = (SELECT COUNT(*) FROM IMGroupMember WHERE groupId = ? AND status = 0) WHERE id = ?', [g, g]);
}
