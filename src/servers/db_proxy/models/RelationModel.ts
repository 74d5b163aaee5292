import type { Mysql } from '../worker/Mysql';
import type { RedisRoles } from '../worker/RedisRoles';
import { RedisKey } from '../worker/RedisRoles';
import { BoundedCache } from './BoundedCache';
import { unixNow } from './time';

/**
 * B1: the relation row of a user pair (db_proxy.md §5). Its id names the conversation: it picks
 * the message shard and the msg-id counter. Relation ids never change once created and db_proxy
 * never deactivates one, so they are cached per worker (§9 Rewrite).
 */
export class RelationModel {
  private readonly cache = new BoundedCache<string, number>(200_000);

  constructor(private readonly master: Mysql, private readonly slave: Mysql, private readonly redis: RedisRoles) {}

  /** The active relation of a pair, or 0. */
  async lookup(a: number, b: number): Promise<number> {
    if (a === 0 || b === 0) return 0;
    const [small, big] = a < b ? [a, b] : [b, a];
    const key = `${small}_${big}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    // "The last row returned wins" (B1): the newest id.
    const rows = await this.slave.rows<{ id: number }>(
      'SELECT id FROM IMRelationShip WHERE smallId = ? AND bigId = ? AND status = 0 ORDER BY id DESC LIMIT 1', [small, big]);
    const id = rows[0]?.id ?? 0;
    if (id) this.cache.set(key, id);
    return id;
  }

  /**
   * The pair's relation, created (and its msg-id counter started at 0) when missing. Rewrite:
   * every read here goes to the master, because its answer decides a write (§3.4); callers
   * serialise per pair (work key), so there is no check-then-insert race inside one db_proxy.
   */
  async lookupOrCreate(a: number, b: number): Promise<number> {
    if (a === 0 || b === 0 || a === b) return 0;
    const [small, big] = a < b ? [a, b] : [b, a];
    const key = `${small}_${big}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const rows = await this.master.rows<{ id: number; status: number | null }>(
      'SELECT id, status FROM IMRelationShip WHERE smallId = ? AND bigId = ? ORDER BY id', [small, big]);
    const active = rows.filter((r) => (r.status ?? 0) === 0);
    let id: number;
    if (active.length > 0) {
      id = active[active.length - 1]!.id;
    } else if (rows.length > 0) {
      id = rows[rows.length - 1]!.id;
      await this.master.exec('UPDATE IMRelationShip SET status = 0, updated = ? WHERE id = ?', [unixNow(), id]);
    } else {
      const now = unixNow();
      const res = await this.master.exec(
        'INSERT INTO IMRelationShip (smallId, bigId, status, created, updated) VALUES (?, ?, 0, ?, ?)', [small, big, now, now]);
      id = res.insertId;
      // Start the conversation's msg-id sequence like the original (schema.md §5.2).
      await this.redis.run('unread', 'SET msg_id', (r) => r.set(RedisKey.msgId(id), '0'));
    }
    this.cache.set(key, id);
    return id;
  }
}
