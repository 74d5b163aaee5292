import { Cid, IM } from '../pdu';
import { attachOf, RequestContext } from '../worker/RequestContext';
import { SESSION_GROUP, SESSION_SINGLE } from '../models/SessionModel';
import { isAudio, StoredMsg } from '../models/MessageModel';
import type { Services } from '../worker/Services';

/** B4 with the audio placeholder: the newest message of a session as list entries show it. */
export async function latestOf(s: Services, user: number, type: number, peer: number): Promise<StoredMsg | null> {
  if (type === SESSION_SINGLE) {
    const r = await s.relations.lookup(user, peer);
    return r ? s.messages.lastSingle(r) : null;
  }
  return s.messages.lastGroup(peer);
}

export function shownData(s: Services, m: StoredMsg): Buffer {
  return isAudio(m.type) ? s.audioPlaceholder : Buffer.from(m.content, 'utf8');
}

/**
 * §6.4 recent sessions. Entries without any message are dropped. Kept for wire compatibility
 * (fixture `recent_sessions`): `latest_msg_from_user_id` of a single session is the peer, even
 * when the user sent that message (Original bug, db_proxy.md §6.4).
 */
export async function handleRecentSessions(ctx: RequestContext, req: IM.Buddy.IMRecentContactSessionReq): Promise<void> {
  const { s } = ctx;
  let list: IM.BaseDefine.IContactSessionInfo[] = [];
  try {
    const rows = (await s.sessions.recent(req.userId, req.latestUpdateTime))
      .filter((r) => r.type === SESSION_SINGLE || r.type === SESSION_GROUP);
    const latest = await Promise.all(rows.map((r) => latestOf(s, req.userId, r.type, r.peerId)));
    rows.forEach((r, i) => {
      const m = latest[i];
      if (!m) return;
      list.push({
        sessionId: r.peerId,
        sessionType: r.type,
        sessionStatus: r.status ?? 0,
        updatedTime: r.updated,
        latestMsgId: m.msgId,
        latestMsgData: shownData(s, m),
        latestMsgType: m.type,
        latestMsgFromUserId: r.type === SESSION_SINGLE ? r.peerId : m.fromId,
      });
    });
  } catch (err) {
    ctx.log.error({ user: req.userId, err: (err as Error).message }, 'recent sessions query failed');
    list = [];
  }
  ctx.reply(Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE, IM.Buddy.IMRecentContactSessionRsp, {
    userId: req.userId, contactSessionList: list, attachData: attachOf(req),
  });
}

/** §6.5 remove a session and clear its unread counter. Invalid type: logged, no reply. */
export async function handleRemoveSession(ctx: RequestContext, req: IM.Buddy.IMRemoveSessionReq): Promise<void> {
  const { s } = ctx;
  if (req.sessionType !== SESSION_SINGLE && req.sessionType !== SESSION_GROUP) {
    ctx.log.warn({ user: req.userId, type: req.sessionType }, 'remove session: invalid session type; no reply');
    return;
  }
  let ok = false;
  try {
    const id = await s.sessions.find(req.userId, req.sessionId, req.sessionType, false, s.master);
    if (id && (await s.sessions.remove(id))) {
      ok = true;
      if (req.sessionType === SESSION_SINGLE) await s.unread.clearSingle(req.userId, req.sessionId);
      else await s.unread.markGroupRead(req.userId, req.sessionId);
    }
  } catch (err) {
    ctx.log.error({ user: req.userId, session: req.sessionId, err: (err as Error).message }, 'remove session failed');
  }
  ctx.reply(Cid.CID_BUDDY_LIST_REMOVE_SESSION_RES, IM.Buddy.IMRemoveSessionRsp, {
    userId: req.userId, resultCode: ok ? 0 : 1, sessionType: req.sessionType, sessionId: req.sessionId, attachData: attachOf(req),
  });
}
