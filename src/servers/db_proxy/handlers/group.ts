import { Cid, IM } from '../pdu';
import { attachOf, RequestContext } from '../worker/RequestContext';
import { GROUP_NORMAL, GROUP_TMP, MAX_GROUP_MEMBERS } from '../models/GroupModel';
import { SESSION_GROUP } from '../models/SessionModel';

const GROUP_ADD = 1;
const GROUP_DEL = 2;
/** Rewrite (§9): most groups one info request asks for. */
const MAX_GROUP_INFO = 500;

function sortedUnique(ids: number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** §6.18 shield a group's pushes. Unknown group: logged, no reply. */
export async function handleGroupShield(ctx: RequestContext, req: IM.Group.IMGroupShieldReq): Promise<void> {
  const { s } = ctx;
  let code = 1;
  try {
    if (!(await s.groups.exists(req.groupId))) {
      ctx.log.warn({ user: req.userId, group: req.groupId }, 'shield request for an unknown group; no reply');
      return;
    }
    if (await s.groups.isMember(req.userId, req.groupId)) {
      await s.groupSettings.setShield(req.groupId, req.userId, req.shieldStatus);
      code = 0;
    }
  } catch (err) {
    ctx.log.error({ user: req.userId, group: req.groupId, err: (err as Error).message }, 'group shield failed');
  }
  ctx.reply(Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, IM.Group.IMGroupShieldRsp, {
    userId: req.userId, groupId: req.groupId, resultCode: code, attachData: attachOf(req),
  });
}

/** §6.20 the user's normal groups (temporary groups are never listed). */
export async function handleNormalGroupList(ctx: RequestContext, req: IM.Group.IMNormalGroupListReq): Promise<void> {
  let list: IM.BaseDefine.IGroupVersionInfo[] = [];
  try {
    const ids = await ctx.s.groups.groupIdsOf(req.userId);
    list = (await ctx.s.groups.normalVersions(ids)).map((g) => ({ groupId: g.id, version: g.version }));
  } catch (err) {
    ctx.log.error({ user: req.userId, err: (err as Error).message }, 'group list failed');
  }
  ctx.reply(Cid.CID_GROUP_NORMAL_LIST_RESPONSE, IM.Group.IMNormalGroupListRsp, {
    userId: req.userId, groupVersionList: list, attachData: attachOf(req),
  });
}

/** §6.21 group details for groups newer than the client's version. */
export async function handleGroupInfo(ctx: RequestContext, req: IM.Group.IMGroupInfoListReq): Promise<void> {
  const { s } = ctx;
  let list: IM.BaseDefine.IGroupInfo[] = [];
  try {
    const wanted = new Map<number, number>();
    for (const v of req.groupVersionList.slice(0, MAX_GROUP_INFO)) wanted.set(v.groupId, v.version); // last version wins
    const ids: number[] = [];
    for (const g of wanted.keys()) if (await s.groups.exists(g)) ids.push(g);
    const rows = (await s.groups.rows(ids)).filter((r) => r.version > (wanted.get(r.id) ?? 0) && (r.type === GROUP_NORMAL || r.type === GROUP_TMP));
    const members = await s.groups.membersOfMany(rows.map((r) => r.id));
    list = rows.map((r) => ({
      groupId: r.id, version: r.version, groupName: r.name, groupAvatar: r.avatar, groupCreatorId: r.creator,
      groupType: r.type, shieldStatus: 0, groupMemberList: members.get(r.id) ?? [],
    }));
  } catch (err) {
    ctx.log.error({ user: req.userId, err: (err as Error).message }, 'group info failed');
    list = [];
  }
  ctx.reply(Cid.CID_GROUP_INFO_RESPONSE, IM.Group.IMGroupInfoListRsp, { userId: req.userId, groupInfoList: list, attachData: attachOf(req) });
}

/** §6.22 create a group (the creator is not added unless listed). Invalid type: no reply. */
export async function handleGroupCreate(ctx: RequestContext, req: IM.Group.IMGroupCreateReq): Promise<void> {
  if (req.groupType !== GROUP_NORMAL && req.groupType !== GROUP_TMP) {
    ctx.log.warn({ user: req.userId, type: req.groupType }, 'group create with invalid type; no reply');
    return;
  }
  const members = sortedUnique(req.memberIdList.filter((u) => u > 0));
  let groupId = 0;
  if (req.groupName === '' || members.length === 0 || members.length > MAX_GROUP_MEMBERS) {
    ctx.log.warn({ user: req.userId, name: req.groupName, members: members.length }, 'group create refused: empty name or bad member count');
  } else {
    try {
      groupId = await ctx.s.groups.create(req.groupName, req.groupAvatar, req.userId, req.groupType, members);
    } catch (err) {
      ctx.log.error({ user: req.userId, name: req.groupName, err: (err as Error).message }, 'group create failed');
    }
  }
  ctx.reply(Cid.CID_GROUP_CREATE_RESPONSE, IM.Group.IMGroupCreateRsp, {
    userId: req.userId, resultCode: groupId ? 0 : 1, ...(groupId ? { groupId } : {}), groupName: req.groupName,
    userIdList: members, attachData: attachOf(req),
  });
}

/**
 * §6.23 add or remove members. User 0 is allowed everything: http_msg_server (and the admin
 * behind it) sends 0 and relies on it (§10.1); msg_server never forwards pre-login requests.
 */
export async function handleChangeMember(ctx: RequestContext, req: IM.Group.IMGroupChangeMemberReq): Promise<void> {
  const { s } = ctx;
  const g = req.groupId;
  const change = req.changeType;
  if (change !== GROUP_ADD && change !== GROUP_DEL) {
    ctx.log.warn({ user: req.userId, group: g, change }, 'change member with invalid type; no reply');
    return;
  }
  let set = sortedUnique(req.memberIdList.filter((u) => u > 0));
  let ok = false;
  let current: number[] = [];
  try {
    if (!(await s.groups.exists(g))) {
      ctx.log.warn({ user: req.userId, group: g }, 'change member of an unknown group; no reply');
      return;
    }
    const allowed = await mayChange(ctx, req.userId, g, change);
    if (!allowed) {
      ctx.log.warn({ user: req.userId, group: g, change }, 'change member refused: not permitted');
    } else if (set.length > MAX_GROUP_MEMBERS) {
      ctx.log.warn({ user: req.userId, group: g, count: set.length }, 'change member refused: too many users');
    } else if (change === GROUP_ADD) {
      const already = new Set(await s.groups.members(g));
      set = set.filter((u) => !already.has(u));
      if (set.length > 0) {
        await s.groups.addMembers(g, set);
        ok = true;
      }
    } else if (set.length > 0) {
      await s.groups.removeMembers(g, set);
      for (const u of set) {
        const sid = await s.sessions.find(u, g, SESSION_GROUP, false, s.master);
        if (sid) await s.sessions.remove(sid);
      }
      ok = true;
    }
    if (ok) {
      current = await s.groups.members(g);
      await s.unread.markGroupReadMany(set, g);
    }
  } catch (err) {
    ctx.log.error({ user: req.userId, group: g, change, err: (err as Error).message }, 'change member failed');
    ok = false;
  }
  ctx.reply(Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, IM.Group.IMGroupChangeMemberRsp, {
    userId: req.userId, changeType: change, resultCode: ok ? 0 : 1, groupId: g,
    curUserIdList: ok ? current : [], chgUserIdList: ok ? set : [], attachData: attachOf(req),
  });
}

/** §6.23 step 3: user 0 always; temporary groups accept additions from anyone; else the creator. */
async function mayChange(ctx: RequestContext, user: number, g: number, change: number): Promise<boolean> {
  if (user === 0) return true;
  const row = await ctx.s.groups.creatorAndType(g);
  if (!row) return false;
  if (row.type === GROUP_TMP && change === GROUP_ADD) return true;
  return row.creator === user;
}
