import type { Logger } from '../../../util/log';
import { inList } from './Mysql';
import { RedisKey } from './RedisRoles';
import type { KeyedSerializer } from './KeyedSerializer';
import type { Services } from './Services';
import { groupKey, workerIndex } from '../workKey';
import { SESSION_GROUP } from '../models/SessionModel';
import { unixNow } from '../models/time';

/**
 * SyncCenter (db_proxy.md §7): makes group conversations appear and move up in every member's
 * recent-session list. Each worker syncs the groups whose work key it owns, inside that key, so a
 * sync never races a message of the same group. Rewrites of §7:
 * - the stored `last_update_group` is used (the original inverted the check and ignored it);
 * - the scan overlaps the previous one by a second (touching twice is harmless);
 * - one UPDATE per group for the existing sessions (removed ones stay removed), one INSERT for the
 *   missing ones, instead of two statements per member.
 */
export class SyncCenter {
  private timer: NodeJS.Timeout | undefined;
  private since = -1;
  private running = false;

  constructor(
    private readonly s: Services,
    private readonly serializer: KeyedSerializer,
    private readonly index: number,
    private readonly workers: number,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.pass(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass; exported for tests through the worker's timer only. */
  async pass(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (this.since < 0) {
        const stored = await this.s.redis.run('unread', 'GET last_update_group', (r) => r.get(RedisKey.lastGroupSync));
        this.since = stored ? Number(stored) || 0 : 0;
      }
      const now = unixNow();
      const rows = await this.s.slave.rows<{ id: number; lastChated: number }>(
        'SELECT id, lastChated FROM IMGroup WHERE status = 0 AND lastChated >= ? AND lastChated > 0', [Math.max(0, this.since - 1)]);
      this.since = now;
      if (this.index === 0) await this.s.redis.run('unread', 'SET last_update_group', (r) => r.set(RedisKey.lastGroupSync, String(now)));
      for (const g of rows) {
        if (workerIndex(groupKey(g.id), this.workers) !== this.index) continue;
        this.serializer.run(groupKey(g.id), () => this.syncGroup(g.id, g.lastChated));
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'SyncCenter pass failed; retrying next period');
    } finally {
      this.running = false;
    }
  }

  private async syncGroup(g: number, t: number): Promise<void> {
    try {
      const members = await this.s.groups.members(g);
      if (members.length === 0) return;
      const { marks, params } = inList(members);
      await this.s.master.exec(`UPDATE IMRecentSession SET updated = ? WHERE peerId = ? AND type = ${SESSION_GROUP} AND userId IN (${marks})`, [t, g, ...params]);
      const have = new Set((await this.s.master.rows<{ userId: number }>(
        `SELECT userId FROM IMRecentSession WHERE peerId = ? AND type = ${SESSION_GROUP} AND userId IN (${marks})`, [g, ...params])).map((r) => r.userId));
      const missing = members.filter((u) => !have.has(u));
      if (missing.length === 0) return;
      const now = unixNow();
      const values: number[] = [];
      for (const u of missing) values.push(u, g, now, now);
      await this.s.master.exec(
        `INSERT INTO IMRecentSession (userId, peerId, type, status, created, updated) VALUES ${missing.map(() => `(?,?,${SESSION_GROUP},0,?,?)`).join(',')}`, values);
    } catch (err) {
      this.log.warn({ group: g, err: (err as Error).message }, 'SyncCenter: group sync failed');
    }
  }
}
