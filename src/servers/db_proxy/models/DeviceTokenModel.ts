import type { RedisRoles } from '../worker/RedisRoles';
import { RedisKey } from '../worker/RedisRoles';

export const CLIENT_TYPE_IOS = 0x11;
export const CLIENT_TYPE_ANDROID = 0x12;

export interface DeviceToken {
  user: number;
  platform: 'ios' | 'android';
  token: string;
}

/** Device push tokens (pool `token`, schema.md §5.2). */
export class DeviceTokenModel {
  constructor(private readonly redis: RedisRoles) {}

  /**
   * §6.16. Rewrite: the reverse key `device_<token>` is never written for a token that is empty
   * or all digits, because it would overwrite the user key `device_<digits>` of some user (§10.1).
   */
  async register(user: number, token: string, clientType: number): Promise<void> {
    const value = clientType === CLIENT_TYPE_IOS ? `ios:${token}` : clientType === CLIENT_TYPE_ANDROID ? `android:${token}` : token;
    const reverseOk = (t: string): boolean => t !== '' && !/^[0-9]+$/.test(t);
    await this.redis.run('token', 'device token', async (r) => {
      const previous = await r.get(RedisKey.device(user));
      if (previous && previous.includes(':')) {
        const old = previous.slice(previous.indexOf(':') + 1);
        if (reverseOk(old) && (await r.get(RedisKey.device(old)))) await r.set(RedisKey.device(old), '');
      }
      const m = r.multi().set(RedisKey.device(user), value);
      if (reverseOk(token)) m.set(RedisKey.device(token), String(user));
      const res = await m.exec();
      for (const [err] of res ?? []) if (err) throw err;
    });
  }

  /** §6.17 steps 2–3: tokens of the users that have one, in string order of the key names. */
  async tokensOf(users: number[]): Promise<DeviceToken[]> {
    if (users.length === 0) return [];
    const keys = users.map((u) => RedisKey.device(u));
    const values = await this.redis.run('token', 'MGET device', (r) => r.mget(...keys));
    const found = new Map<string, { user: number; value: string }>();
    keys.forEach((k, i) => { const v = values[i]; if (typeof v === 'string') found.set(k, { user: users[i]!, value: v }); });
    const out: DeviceToken[] = [];
    for (const k of [...found.keys()].sort()) {
      const { user, value } = found.get(k)!;
      const colon = value.indexOf(':');
      if (colon < 0) continue;
      const platform = value.slice(0, colon);
      if (platform !== 'ios' && platform !== 'android') continue;
      out.push({ user, platform, token: value.slice(colon + 1) });
    }
    return out;
  }
}
