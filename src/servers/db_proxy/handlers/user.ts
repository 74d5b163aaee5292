import { Cid, IM } from '../pdu';
import { attachOf, RequestContext } from '../worker/RequestContext';
import { MAX_USER_IDS, userInfo } from '../models/UserModel';
import { RedisKey } from '../worker/RedisRoles';
import { unixNow } from '../models/time';

/** §6.2 set "do not disturb". */
export async function handlePushShield(ctx: RequestContext, req: IM.Login.IMPushShieldReq): Promise<void> {
  let ok = false;
  try {
    ok = await ctx.s.users.setPushShield(req.userId, req.shieldStatus);
  } catch (err) {
    ctx.log.error({ user: req.userId, err: (err as Error).message }, 'push shield update failed');
  }
  ctx.reply(Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp, {
    userId: req.userId, resultCode: ok ? 0 : 1, ...(ok ? { shieldStatus: req.shieldStatus } : {}), attachData: attachOf(req),
  });
}

/** §6.3 read "do not disturb". */
export async function handleQueryPushShield(ctx: RequestContext, req: IM.Login.IMQueryPushShieldReq): Promise<void> {
  let status: number | null = null;
  try {
    status = await ctx.s.users.pushShield(req.userId);
  } catch (err) {
    ctx.log.error({ user: req.userId, err: (err as Error).message }, 'push shield query failed');
  }
  ctx.reply(Cid.CID_LOGIN_RES_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldRsp, {
    userId: req.userId, resultCode: status === null ? 1 : 0, ...(status === null ? {} : { shieldStatus: status }), attachData: attachOf(req),
  });
}

/** §6.6 user details: primary-key order, unknown ids absent; Rewrite: at most 1000 ids. */
export async function handleUsersInfo(ctx: RequestContext, req: IM.Buddy.IMUsersInfoReq): Promise<void> {
  let ids = [...new Set(req.userIdList)];
  if (ids.length > MAX_USER_IDS) {
    ctx.log.warn({ user: req.userId, asked: req.userIdList.length }, `user info request over ${MAX_USER_IDS} ids; truncated`);
    ids = ids.slice(0, MAX_USER_IDS);
  }
  const rows = await ctx.s.users.byIds(ids).catch((err: Error) => {
    ctx.log.error({ user: req.userId, err: err.message }, 'user info query failed');
    return [];
  });
  ctx.reply(Cid.CID_BUDDY_LIST_USER_INFO_RESPONSE, IM.Buddy.IMUsersInfoRsp, {
    userId: req.userId, userInfoList: rows.map((r) => userInfo(r)), attachData: attachOf(req),
  });
}

/**
 * §6.7 directory sync. Rewrite: the gate is the newest `updated` in IMUser (the original's
 * in-memory watermark missed admin changes); T = 0 still means "everyone not deleted".
 */
export async function handleAllUsers(ctx: RequestContext, req: IM.Buddy.IMAllUserReq): Promise<void> {
  let t = req.latestUpdateTime;
  let list: IM.BaseDefine.IUserInfo[] = [];
  try {
    const newest = await ctx.s.users.maxUpdated();
    if (t === 0 || newest > t) {
      const changed = await ctx.s.users.changedSince(t);
      for (const c of changed) if (c.updated > t) t = c.updated;
      const rows = await ctx.s.users.byIds(changed.map((c) => c.id));
      list = rows.map((r) => userInfo(r));
    }
  } catch (err) {
    ctx.log.error({ user: req.userId, err: (err as Error).message }, 'directory query failed');
    t = req.latestUpdateTime;
    list = [];
  }
  ctx.reply(Cid.CID_BUDDY_LIST_ALL_USER_RESPONSE, IM.Buddy.IMAllUserRsp, {
    userId: req.userId, latestUpdateTime: t, userList: list, attachData: attachOf(req),
  });
}

/** §6.8 changed departments. */
export async function handleDepartments(ctx: RequestContext, req: IM.Buddy.IMDepartmentReq): Promise<void> {
  let t = req.latestUpdateTime;
  let depts: IM.BaseDefine.IDepartInfo[] = [];
  try {
    const rows = await ctx.s.departs.changedSince(t);
    for (const r of rows) if (r.updated > t) t = r.updated;
    depts = rows.filter((r) => r.status === 0 || r.status === 1).map((r) => ({
      deptId: r.id, priority: r.priority, deptName: r.departName ?? '', parentDeptId: r.parentId, deptStatus: r.status,
    }));
  } catch (err) {
    ctx.log.error({ user: req.userId, err: (err as Error).message }, 'department query failed');
    t = req.latestUpdateTime;
  }
  ctx.reply(Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE, IM.Buddy.IMDepartmentRsp, {
    userId: req.userId, latestUpdateTime: t, deptList: depts, attachData: attachOf(req),
  });
}

/** §6.9 change signature: at most 128 bytes; the text is a statement parameter. */
export async function handleChangeSignInfo(ctx: RequestContext, req: IM.Buddy.IMChangeSignInfoReq): Promise<void> {
  let ok = false;
  if (Buffer.byteLength(req.signInfo, 'utf8') > 128) {
    ctx.log.warn({ user: req.userId, bytes: Buffer.byteLength(req.signInfo, 'utf8') }, 'signature over 128 bytes refused');
  } else {
    try {
      ok = await ctx.s.users.setSignInfo(req.userId, req.signInfo);
      if (ok) await ctx.s.redis.run('unread', 'SET total_user_update', (r) => r.set(RedisKey.directoryUpdate, String(unixNow())));
    } catch (err) {
      ctx.log.error({ user: req.userId, err: (err as Error).message }, 'signature update failed');
    }
  }
  ctx.reply(Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE, IM.Buddy.IMChangeSignInfoRsp, {
    userId: req.userId, resultCode: ok ? 0 : 1, ...(ok ? { signInfo: req.signInfo } : {}), attachData: attachOf(req),
  });
}
