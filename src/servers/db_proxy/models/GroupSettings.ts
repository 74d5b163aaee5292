import type { RedisRoles } from '../worker/RedisRoles';
import { RedisKey } from '../worker/RedisRoles';

/** Per-group push shield flags, `group_set_<g>` field `<user>_1` (schema.md §5.2). */
export class GroupSettings {
  constructor(private readonly redis: RedisRoles) {}

  async setShield(g: number, user: number, status: number): Promise<void> {
    await this.redis.run('group_set', 'HSET shield', (r) => r.hset(RedisKey.groupSettings(g), `${user}_1`, String(status)));
  }

  async shields(g: number): Promise<Record<string, string>> {
    return this.redis.run('group_set', 'HGETALL shield', (r) => r.hgetall(RedisKey.groupSettings(g)));
  }
}
