import type { RedisRoles } from '../worker/RedisRoles';
import { RedisKey } from '../worker/RedisRoles';
import { MARK_GROUP_READ } from './UnreadScripts';

/**
 * Unread arithmetic of schema.md §5.2: per-peer counters in `unread_<u>`, group totals in
 * `<g>_im_group_msg` against the user's copy in `<u>_<g>_im_user_group`.
 */
export class UnreadCounter {
  constructor(private readonly redis: RedisRoles) {}

  /** One-to-one counters of a user: [peer, count] with peers in string order (§6.14). */
  async singles(user: number): Promise<Array<[number, number]>> {
    const all = await this.redis.run('unread', 'HGETALL unread', (r) => r.hgetall(RedisKey.unread(user)));
    return Object.keys(all).sort().map((peer) => [Number(peer), Number(all[peer]) || 0] as [number, number])
      .filter(([peer]) => Number.isInteger(peer) && peer > 0);
  }

  /** Sum of a user's one-to-one counters (push badge, §6.17). */
  async singleTotal(user: number): Promise<number> {
    const list = await this.singles(user);
    return list.reduce((sum, [, n]) => sum + Math.max(0, n), 0);
  }

  /**
   * Unread per group for one user, in the order given; groups whose counter hash lacks `count`
   * are left out. Original bug fixed: when the user's copy exceeds the group total the result is
   * 0, not the previous group's value (§6.14).
   */
  async groups(user: number, groupIds: number[]): Promise<Array<[number, number]>> {
    if (groupIds.length === 0) return [];
    const results = await this.redis.run('unread', 'HGET group counters', async (r) => {
      const p = r.pipeline();
      for (const g of groupIds) {
        p.hget(RedisKey.groupCounter(g), 'count');
        p.hget(RedisKey.userGroupCounter(user, g), 'count');
      }
      const res = await p.exec();
      for (const [err] of res ?? []) if (err) throw err;
      return (res ?? []).map(([, v]) => v as string | null);
    });
    const out: Array<[number, number]> = [];
    groupIds.forEach((g, i) => {
      const total = results[2 * i];
      if (total === null || total === undefined) return;
      const mine = Number(results[2 * i + 1] ?? 0) || 0;
      const t = Number(total) || 0;
      out.push([g, t >= mine ? t - mine : 0]);
    });
    return out;
  }

  /** §6.15 single / §6.5: the conversation with `peer` is read. */
  async clearSingle(user: number, peer: number): Promise<void> {
    await this.redis.run('unread', 'HDEL unread', (r) => r.hdel(RedisKey.unread(user), String(peer)));
  }

  /** B7: the user has caught up with the group. */
  async markGroupRead(user: number, group: number): Promise<void> {
    await this.redis.run('unread', 'mark group read', (r) => r.eval(MARK_GROUP_READ, 2, RedisKey.groupCounter(group), RedisKey.userGroupCounter(user, group)));
  }

  /** B7 for many users of one group in one pipeline (member changes). */
  async markGroupReadMany(users: number[], group: number): Promise<void> {
    if (users.length === 0) return;
    await this.redis.run('unread', 'mark group read', async (r) => {
      const p = r.pipeline();
      for (const u of users) p.eval(MARK_GROUP_READ, 2, RedisKey.groupCounter(group), RedisKey.userGroupCounter(u, group));
      const res = await p.exec();
      for (const [err] of res ?? []) if (err) throw err;
    });
  }
}
