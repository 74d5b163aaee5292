import Redis from 'ioredis';
import type { RedisPoolConf, RedisRole } from '../DbProxyConfig';
import type { Logger } from '../../../util/log';
import { workerStats } from './WorkerStats';

/** A Redis failure with the role it happened on; callers treat it as an error, never as "absent". */
export class CacheError extends Error {
  override readonly name = 'CacheError';
  constructor(readonly role: RedisRole, readonly op: string, message: string) {
    super(`redis ${role}: ${op}: ${message}`);
    workerStats.backendError();
  }
}

/**
 * The Redis clients of one worker, one per configured role (schema.md §5.1; roles that share
 * host, port and db share a client). ioredis pipelines commands on one socket, so a single client
 * per role replaces the original's pool of blocking connections. Outages: commands time out
 * (`commandTimeout`) or fail after one reconnect attempt, and the client keeps reconnecting in the
 * background, so the server recovers by itself (db_proxy.md §8 Rewrite).
 */
export class RedisRoles {
  private readonly clients = new Map<string, Redis>();
  private readonly byRole = new Map<RedisRole, Redis>();
  private lastErrorLog = 0;

  constructor(confs: Record<RedisRole, RedisPoolConf | undefined>, commandTimeoutMs: number, private readonly log: Logger) {
    for (const conf of Object.values(confs)) {
      if (!conf || conf.name === 'sync') continue; // `sync` is configured but never used (§5.1)
      const id = `${conf.host}:${conf.port}/${conf.db}`;
      let client = this.clients.get(id);
      if (!client) {
        client = new Redis({
          host: conf.host,
          port: conf.port,
          db: conf.db,
          commandTimeout: commandTimeoutMs,
          maxRetriesPerRequest: 1,
          connectTimeout: 2000,
          enableOfflineQueue: true,
          retryStrategy: (times) => Math.min(100 * times, 1000),
          lazyConnect: false,
          // Commands issued in the same event-loop turn (allocations, token lookups and unread
          // counters of many concurrent requests) go out in one write: socket writes were the
          // largest cost of a worker under chat load.
          enableAutoPipelining: true,
        });
        client.on('error', (err: Error) => this.noteError(id, err));
        this.clients.set(id, client);
      }
      this.byRole.set(conf.name, client);
    }
  }

  get(role: RedisRole): Redis {
    const c = this.byRole.get(role);
    if (!c) throw new CacheError(role, 'connect', 'role not configured');
    return c;
  }

  /** Run one command (or pipeline) and turn any failure into a CacheError naming the role. */
  async run<T>(role: RedisRole, op: string, fn: (r: Redis) => Promise<T>): Promise<T> {
    try {
      return await fn(this.get(role));
    } catch (err) {
      if (err instanceof CacheError) throw err;
      throw new CacheError(role, op, (err as Error).message ?? String(err));
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.quit().catch(() => c.disconnect())));
  }

  /** Reconnect loops emit an error per attempt: log at most once a second. */
  private noteError(id: string, err: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 1000) return;
    this.lastErrorLog = now;
    this.log.warn({ redis: id, err: err.message }, 'redis connection error; reconnecting');
  }
}

/** Redis keys exactly as the original writes them (schema.md §5.2). */
export const RedisKey = {
  unread: (user: number) => `unread_${user}`,
  msgId: (relation: number) => `msg_id_${relation}`,
  groupMsgId: (group: number) => `group_msg_id_${group}`,
  groupCounter: (group: number) => `${group}_im_group_msg`,
  userGroupCounter: (user: number, group: number) => `${user}_${group}_im_user_group`,
  groupMembers: (group: number) => `group_member_${group}`,
  groupSettings: (group: number) => `group_set_${group}`,
  device: (userOrToken: number | string) => `device_${userOrToken}`,
  directoryUpdate: 'total_user_update',
  lastGroupSync: 'last_update_group',
} as const;
