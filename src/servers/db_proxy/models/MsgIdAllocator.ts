import type { Mysql } from '../worker/Mysql';
import type { RedisRoles } from '../worker/RedisRoles';
import { RedisKey } from '../worker/RedisRoles';
import { BoundedCache } from './BoundedCache';
import { GROUP_TABLES, SHARDS, SINGLE_TABLES } from './MessageModel';

/**
 * INCR of the original's counter key (B3), made safe (schema.md §5.3 Rewrite, §7 #3):
 * - a missing key (Redis flushed or lost) is first set to the largest msgId stored in MySQL;
 * - a counter that went backwards (Redis restarted from an older snapshot) is pushed past the
 *   last id this worker handed out, so an id is never given twice;
 * - ARGV[1] = that floor, ARGV[2] = '1' when the caller supplies the MySQL maximum as the floor.
 * Plain EVAL (not EVALSHA): a restarted Redis has an empty script cache, and the body is tiny.
 */
const ALLOC = `
local floor = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then
  if ARGV[2] == '0' then return -1 end
  redis.call('SET', KEYS[1], floor)
end
local v = redis.call('INCR', KEYS[1])
if v <= floor then
  v = floor + 1
  redis.call('SET', KEYS[1], v)
end
return v`;

/** Give an id back when its message was definitely not stored, so the sequence has no gap. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], tonumber(ARGV[1]) - 1)
  return 1
end
return 0`;

export type Conversation = { kind: 'single'; relation: number } | { kind: 'group'; group: number };

/**
 * Allocation runs inside the conversation's work key, so one conversation never has two ids in
 * flight in this process: allocate, store, and only then the next message of that conversation.
 */
export class MsgIdAllocator {
  /** Last id handed out per counter key (the floor). */
  private readonly last = new BoundedCache<string, number>(400_000);

  constructor(private readonly master: Mysql, private readonly redis: RedisRoles) {}

  async allocate(c: Conversation): Promise<number> {
    const key = counterKey(c);
    const floor = this.last.get(key) ?? 0;
    let v = Number(await this.redis.run('unread', 'alloc msg id', (r) => r.eval(ALLOC, 1, key, String(floor), '0')));
    if (v === -1) {
      const stored = await this.maxStored(c);
      v = Number(await this.redis.run('unread', 'alloc msg id (heal)', (r) => r.eval(ALLOC, 1, key, String(Math.max(floor, stored)), '1')));
    }
    if (!Number.isInteger(v) || v <= 0 || v > 0xffffffff) throw new Error(`msg id counter ${key} returned ${v}`);
    this.last.set(key, v);
    return v;
  }

  /** The message with this id was not stored (failure before COMMIT): undo the increment. */
  async release(c: Conversation, id: number): Promise<void> {
    const key = counterKey(c);
    const undone = Number(await this.redis.run('unread', 'release msg id', (r) => r.eval(RELEASE, 1, key, String(id))));
    if (undone === 1) this.last.set(key, id - 1);
  }

  private async maxStored(c: Conversation): Promise<number> {
    const rows = c.kind === 'single'
      ? await this.master.rows<{ m: number | null }>(`SELECT MAX(msgId) AS m FROM ${SINGLE_TABLES[c.relation % SHARDS]} WHERE relateId = ?`, [c.relation])
      : await this.master.rows<{ m: number | null }>(`SELECT MAX(msgId) AS m FROM ${GROUP_TABLES[c.group % SHARDS]} WHERE groupId = ?`, [c.group]);
    return Number(rows[0]?.m ?? 0);
  }
}

function counterKey(c: Conversation): string {
  return c.kind === 'single' ? RedisKey.msgId(c.relation) : RedisKey.groupMsgId(c.group);
}
