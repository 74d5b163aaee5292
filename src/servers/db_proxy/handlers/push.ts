import { Cid, IM } from '../pdu';
import { attachOf, RequestContext } from '../worker/RequestContext';
import { CLIENT_TYPE_ANDROID, CLIENT_TYPE_IOS } from '../models/DeviceTokenModel';
import type { Services } from '../worker/Services';

/** Rewrite (§9): most recipients in one token or shield request. */
const MAX_RECIPIENTS = 5000;

/** §6.16 register a device token; answered even when Redis failed (msg_server only logs it). */
export async function handleDeviceToken(ctx: RequestContext, req: IM.Login.IMDeviceTokenReq): Promise<void> {
  try {
    // An absent client_type reads as the enum's first value, Windows (§6.16).
    await ctx.s.tokens.register(req.userId, req.deviceToken, req.clientType ?? 1);
  } catch (err) {
    ctx.log.error({ user: req.userId, err: (err as Error).message }, 'device token not stored');
  }
  ctx.reply(Cid.CID_LOGIN_RES_DEVICETOKEN, IM.Login.IMDeviceTokenRsp, { userId: req.userId, attachData: attachOf(req) });
}

/** "Night" for iOS quiet hours: 22:00–07:59 server local time (§6.17, kept as the original). */
export function isNight(now: Date = new Date()): boolean {
  const h = now.getHours();
  return h >= 22 || h <= 7;
}

/** Badge count: all one-to-one unread plus every group's unread (§6.17 step 4). */
async function badge(s: Services, user: number): Promise<number> {
  const singles = await s.unread.singleTotal(user);
  const groups = await s.unread.groups(user, await s.groups.groupIdsForBadge(user));
  return singles + groups.reduce((sum, [, n]) => sum + n, 0);
}

/** §6.17 tokens and badge counts for the recipients of a push. `now` is injectable so tests can pick day or night. */
export async function handleGetDeviceToken(ctx: RequestContext, req: IM.Server.IMGetDeviceTokenReq, now: Date = new Date()): Promise<void> {
  const { s } = ctx;
  const users = [...new Set(req.userId)].slice(0, MAX_RECIPIENTS);
  if (req.userId.length > MAX_RECIPIENTS) ctx.log.warn({ asked: req.userId.length }, `device token request capped at ${MAX_RECIPIENTS}`);
  let infos: IM.BaseDefine.IUserTokenInfo[] = [];
  try {
    let tokens = await s.tokens.tokensOf(users);
    if (isNight(now) && tokens.some((t) => t.platform === 'ios')) {
      const shield = await s.users.pushShieldMany(tokens.filter((t) => t.platform === 'ios').map((t) => t.user));
      tokens = tokens.filter((t) => t.platform !== 'ios' || shield.get(t.user) !== 1);
    }
    const counts = await Promise.all(tokens.map((t) => badge(s, t.user)));
    infos = tokens.map((t, i) => ({
      userId: t.user, userType: t.platform === 'ios' ? CLIENT_TYPE_IOS : CLIENT_TYPE_ANDROID, token: t.token, pushCount: counts[i]!, pushType: 1,
    }));
  } catch (err) {
    ctx.log.error({ users: users.length, err: (err as Error).message }, 'device token lookup failed');
    infos = [];
  }
  ctx.reply(Cid.CID_OTHER_GET_DEVICE_TOKEN_RSP, IM.Server.IMGetDeviceTokenRsp, { userTokenInfo: infos, attachData: attachOf(req) });
}

/** §6.19 shield flags of a group's recipients, in request order. Unknown group: no reply. */
export async function handleGetShield(ctx: RequestContext, req: IM.Server.IMGroupGetShieldReq): Promise<void> {
  const { s } = ctx;
  const g = req.groupId;
  let list: IM.BaseDefine.IShieldStatus[] = [];
  try {
    if (!(await s.groups.exists(g))) {
      ctx.log.warn({ group: g }, 'shield query for an unknown group; no reply');
      return;
    }
    const flags = await s.groupSettings.shields(g);
    const users = req.userId.slice(0, MAX_RECIPIENTS);
    list = users.map((u) => ({ userId: u, groupId: g, shieldStatus: Number(flags[`${u}_1`] ?? 0) || 0 }));
  } catch (err) {
    ctx.log.error({ group: g, err: (err as Error).message }, 'shield query failed');
    list = [];
  }
  ctx.reply(Cid.CID_OTHER_GET_SHIELD_RSP, IM.Server.IMGroupGetShieldRsp, { groupId: g, shieldStatusList: list, attachData: attachOf(req) });
}
