import { Cid, IM } from '../pdu';
import { attachOf, RequestContext } from '../worker/RequestContext';
import { SESSION_GROUP, SESSION_SINGLE } from '../models/SessionModel';
import { latestOf, shownData } from './session';

/** §6.14 unread counts: singles (peers in string order), then groups (membership order). */
export async function handleUnreadCount(ctx: RequestContext, req: IM.Message.IMUnreadMsgCntReq): Promise<void> {
  const { s } = ctx;
  const user = req.userId;
  let total = 0;
  let list: IM.BaseDefine.IUnreadInfo[] = [];
  try {
    const singles = await s.unread.singles(user);
    const singleLatest = await Promise.all(singles.map(([peer]) => latestOf(s, user, SESSION_SINGLE, peer)));
    singles.forEach(([peer, n], i) => {
      const m = singleLatest[i];
      if (!m || n <= 0) return;
      total += n;
      list.push({ sessionId: peer, sessionType: SESSION_SINGLE, unreadCnt: n, latestMsgId: m.msgId, latestMsgData: shownData(s, m), latestMsgType: m.type, latestMsgFromUserId: peer });
    });
    const groups = (await s.unread.groups(user, await s.groups.groupIdsOf(user))).filter(([, n]) => n > 0);
    const groupLatest = await Promise.all(groups.map(([g]) => latestOf(s, user, SESSION_GROUP, g)));
    groups.forEach(([g, n], i) => {
      total += n;
      const m = groupLatest[i];
      if (!m) return;
      list.push({ sessionId: g, sessionType: SESSION_GROUP, unreadCnt: n, latestMsgId: m.msgId, latestMsgData: shownData(s, m), latestMsgType: m.type, latestMsgFromUserId: m.fromId });
    });
  } catch (err) {
    ctx.log.error({ user, err: (err as Error).message }, 'unread count failed');
    total = 0;
    list = [];
  }
  ctx.reply(Cid.CID_MSG_UNREAD_CNT_RESPONSE, IM.Message.IMUnreadMsgCntRsp, {
    userId: user, totalCnt: total, unreadinfoList: list, attachData: attachOf(req),
  });
}

/**
 * §6.15 read ack (no reply). Keyed by the reader (userKey in commands.ts), not by the conversation
 * as db_proxy.md §2.6 suggests: it stays in order with the same user's later unread-count and
 * recent-session queries, which arrive on the same link. It still does not overtake the counter
 * increment of a message the reader has seen (§10.2): MessageStore writes the counter commands to
 * Redis before that message's ack leaves db_proxy, several process hops ahead of any read ack.
 * See "Work keys" in ../README.md.
 */
export async function handleReadAck(ctx: RequestContext, req: IM.Message.IMMsgDataReadAck): Promise<void> {
  try {
    if (req.sessionType === SESSION_SINGLE) await ctx.s.unread.clearSingle(req.userId, req.sessionId);
    else if (req.sessionType === SESSION_GROUP) await ctx.s.unread.markGroupRead(req.userId, req.sessionId);
    else ctx.log.warn({ user: req.userId, type: req.sessionType }, 'read ack with invalid session type');
  } catch (err) {
    ctx.log.error({ user: req.userId, session: req.sessionId, err: (err as Error).message }, 'read ack failed');
  }
}
