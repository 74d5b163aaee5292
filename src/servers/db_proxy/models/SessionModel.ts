import type { Mysql } from '../worker/Mysql';
import { BoundedCache } from './BoundedCache';
import { unixNow } from './time';

export const SESSION_SINGLE = 1;
export const SESSION_GROUP = 2;

export interface SessionRow {
  id: number;
  peerId: number;
  type: number;
  status: number;
  updated: number;
}

/** Most sessions in one recent-session reply (db_proxy.md §6.4). */
export const RECENT_SESSION_LIMIT = 100;

/**
 * B2: the per-user recent-session rows (IMRecentSession). A row's id never changes once created
 * (rows are never deleted), so the id of (user, peer, type) is cached per worker; whether it is
 * visible is decided by the UPDATE that touches it, never by the cache.
 */
export class SessionModel {
  private readonly ids = new BoundedCache<string, number>(400_000);

  constructor(private readonly master: Mysql, private readonly slave: Mysql) {}

  /** B2 find: the newest matching row id, or 0. Read-your-writes callers pass the master. */
  async find(user: number, peer: number, type: number, includeRemoved: boolean, db: Mysql = this.slave): Promise<number> {
    const rows = await db.rows<{ id: number }>(
      includeRemoved
        ? 'SELECT id FROM IMRecentSession WHERE userId = ? AND peerId = ? AND type = ? ORDER BY id DESC LIMIT 1'
        : 'SELECT id FROM IMRecentSession WHERE userId = ? AND peerId = ? AND type = ? AND status = 0 ORDER BY id DESC LIMIT 1',
      [user, peer, type]);
    return rows[0]?.id ?? 0;
  }

  /**
   * The row id of (user, peer, type), inserting a visible row when none exists (any status). The
   * caller makes it visible and touches it with `touchSql` inside its own transaction (B2 ensure +
   * touch in one statement). Rewrite: the lookup goes to the master (§3.4).
   */
  async idFor(user: number, peer: number, type: number): Promise<number> {
    const key = `${user}:${peer}:${type}`;
    const cached = this.ids.get(key);
    if (cached !== undefined) return cached;
    let id = await this.find(user, peer, type, true, this.master);
    if (id === 0) {
      const now = unixNow();
      const res = await this.master.exec(
        'INSERT INTO IMRecentSession (userId, peerId, type, status, created, updated) VALUES (?, ?, ?, 0, ?, ?)',
        [user, peer, type, now, now]);
      id = res.insertId;
    }
    this.ids.set(key, id);
    return id;
  }

  /** B2 remove: hide the row; true if a row changed. */
  async remove(id: number): Promise<boolean> {
    const res = await this.master.exec('UPDATE IMRecentSession SET status = 1, updated = ? WHERE id = ?', [unixNow(), id]);
    return res.affectedRows > 0;
  }

  /** §6.4 step 1: visible sessions changed after `since`, newest first, at most 100. */
  recent(user: number, since: number): Promise<SessionRow[]> {
    return this.slave.rows<SessionRow>(
      `SELECT id, peerId, type, status, updated FROM IMRecentSession
        WHERE userId = ? AND status = 0 AND updated > ? ORDER BY updated DESC, id DESC LIMIT ${RECENT_SESSION_LIMIT}`,
      [user, since]);
  }
}
