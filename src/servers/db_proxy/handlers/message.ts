import { Cid, IM } from '../pdu';
import { attachOf, RequestContext } from '../worker/RequestContext';
import { DbError } from '../worker/Mysql';
import { SESSION_GROUP, SESSION_SINGLE } from '../models/SessionModel';
import { isAudio, KNOWN_MSG_TYPES, MAX_MSG_READ, MSG_GROUP_AUDIO, MSG_GROUP_TEXT, StoredMsg } from '../models/MessageModel';
import type { Conversation } from '../models/MsgIdAllocator';
import type { GroupRow, MessageRow, SingleRow } from '../models/MessageStore';
import { latestOf } from './session';

/** schema.md §7 #9: the content column holds 4096 characters. */
const MAX_CONTENT_CHARS = 4096;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * §6.10 CID_MSG_DATA. The reply is the request with `msg_id` filled in, sent only after the row is
 * committed (group commit in MessageStore); `msg_id` 0 whenever it was not stored (Rewrite: the
 * original acked failed inserts). Validation and id allocation run under the conversation's work
 * key and queue the row before the key is released, so one conversation's rows are stored in msg
 * id order; the wait for COMMIT is detached from the key (see RequestContext.detach).
 */
export async function handleMsgData(ctx: RequestContext, req: IM.Message.IMMsgData): Promise<void> {
  const type = req.msgType;
  if (!KNOWN_MSG_TYPES.has(type) || req.msgData.length === 0) {
    ctx.log.warn({ from: req.fromUserId, to: req.toSessionId, type, bytes: req.msgData.length }, 'message with unknown type or no data; no reply');
    return;
  }
  const answer = (msgId: number): void => {
    req.msgId = msgId;
    ctx.reply(Cid.CID_MSG_DATA, IM.Message.IMMsgData, req);
  };
  const group = type === MSG_GROUP_TEXT || type === MSG_GROUP_AUDIO;
  const failed = async (err: unknown, conv?: Conversation, msgId = 0): Promise<void> => {
    ctx.log.error({ from: req.fromUserId, to: req.toSessionId, type, msgId, err: (err as Error).message }, 'message not stored; answering msg_id 0');
    // Nothing was stored for sure: give the id back so the sequence stays gap-free (a no-op when a
    // later message of the conversation already took the next id). After a failure AT commit the
    // row may exist, so the id is never reused.
    if (conv && msgId && !(err instanceof DbError && err.atCommit)) {
      await ctx.s.msgIds.release(conv, msgId).catch((e: Error) => ctx.log.warn({ msgId, err: e.message }, 'msg id not released'));
    }
    answer(0);
  };
  let prepared: Prepared | null;
  let msgId: number;
  try {
    prepared = group ? await prepareGroup(ctx, req) : await prepareSingle(ctx, req);
    if (!prepared) { answer(0); return; }
  } catch (err) {
    await failed(err);
    return;
  }
  const conv = prepared.conv;
  try {
    msgId = await ctx.s.msgIds.allocate(conv);
  } catch (err) {
    await failed(err, conv);
    return;
  }
  // The row joins the store queue now, still under the conversation's work key, so rows of one
  // conversation are queued (and committed) in msg id order. Waiting for the commit happens
  // outside the key: the conversation's next message can be allocated and join the same batch
  // (Rewrite for throughput; the ack still follows COMMIT).
  const id = msgId;
  ctx.detach(ctx.s.store.store({ ...prepared.row, msgId: id } as MessageRow).then(() => answer(id), (err: unknown) => failed(err, conv, id)));
}

interface Prepared {
  conv: Conversation;
  row: Omit<SingleRow, 'msgId'> | Omit<GroupRow, 'msgId'>;
}

/** Text must be valid UTF-8 of at most 4096 characters (schema.md §7 #9: refuse, never truncate). */
function textContent(ctx: RequestContext, req: IM.Message.IMMsgData): string | null {
  let text: string;
  try {
    text = utf8.decode(req.msgData);
  } catch {
    ctx.log.warn({ from: req.fromUserId, to: req.toSessionId }, 'message content is not valid UTF-8; refused');
    return null;
  }
  if ([...text].length > MAX_CONTENT_CHARS) {
    ctx.log.warn({ from: req.fromUserId, to: req.toSessionId, chars: [...text].length }, 'message content over 4096 characters; refused');
    return null;
  }
  return text;
}

async function contentOf(ctx: RequestContext, req: IM.Message.IMMsgData, to: number): Promise<string | null> {
  if (!isAudio(req.msgType)) return textContent(ctx, req);
  const audioId = await ctx.s.audio.store(req.fromUserId, to, req.createTime, req.msgData);
  return audioId ? String(audioId) : null;
}

async function prepareSingle(ctx: RequestContext, req: IM.Message.IMMsgData): Promise<Prepared | null> {
  const { s } = ctx;
  const from = req.fromUserId;
  const to = req.toSessionId;
  if (from === to || from === 0 || to === 0) {
    ctx.log.warn({ from, to }, 'message to oneself or user 0; not stored');
    return null;
  }
  const content = await contentOf(ctx, req, to);
  if (content === null) return null;
  // Original bug fixed (§6.10 step 3): both sessions keep their own ids. The three lookups are
  // independent (cached after a conversation's first message), so they run concurrently.
  const [relation, senderSession, receiverSession] = await Promise.all([
    s.relations.lookupOrCreate(from, to),
    s.sessions.idFor(from, to, SESSION_SINGLE),
    s.sessions.idFor(to, from, SESSION_SINGLE),
  ]);
  return {
    conv: { kind: 'single', relation },
    row: { kind: 'single', relation, from, to, content, type: req.msgType, created: req.createTime, sessionIds: [senderSession, receiverSession] },
  };
}

async function prepareGroup(ctx: RequestContext, req: IM.Message.IMMsgData): Promise<Prepared | null> {
  const { s } = ctx;
  const from = req.fromUserId;
  const g = req.toSessionId;
  if (!(await s.groups.exists(g)) || !(await s.groups.isMember(from, g))) {
    // The original sent no reply here; msg_id 0 tells msg_server the same ("not stored") at once.
    ctx.log.warn({ from, group: g }, 'group message from a non-member or to an unknown group; not stored');
    return null;
  }
  const content = await contentOf(ctx, req, g);
  if (content === null) return null;
  const session = await s.sessions.idFor(from, g, SESSION_GROUP);
  return {
    conv: { kind: 'group', group: g },
    row: { kind: 'group', group: g, from, content, type: req.msgType, created: req.createTime, sessionIds: [session] },
  };
}

function msgInfos(list: Array<StoredMsg & { data: Buffer }>): IM.BaseDefine.IMsgInfo[] {
  return list.filter((m) => KNOWN_MSG_TYPES.has(m.type)).map((m) => ({
    msgId: m.msgId, fromSessionId: m.fromId, createTime: m.created, msgType: m.type, msgData: m.data,
  }));
}

function validSessionType(ctx: RequestContext, req: { userId: number; sessionType: number }): boolean {
  if (req.sessionType === SESSION_SINGLE || req.sessionType === SESSION_GROUP) return true;
  ctx.log.warn({ user: req.userId, type: req.sessionType, cid: ctx.cid }, 'invalid session type; no reply');
  return false;
}

/** §6.11 history, newest first. Rewrite: at most 100 messages, whatever msg_cnt says. */
export async function handleMsgList(ctx: RequestContext, req: IM.Message.IMGetMsgListReq): Promise<void> {
  if (!validSessionType(ctx, req)) return;
  const { s } = ctx;
  if (req.msgCnt > MAX_MSG_READ) ctx.log.info({ user: req.userId, asked: req.msgCnt }, `history request capped at ${MAX_MSG_READ}`);
  let list: IM.BaseDefine.IMsgInfo[] = [];
  try {
    let rows: StoredMsg[] = [];
    if (req.sessionType === SESSION_SINGLE) {
      const r = await s.relations.lookup(req.userId, req.sessionId);
      if (r) rows = await s.messages.historySingle(r, req.msgIdBegin, req.msgCnt);
    } else {
      const joined = await s.groups.joinTime(req.userId, req.sessionId);
      if (joined) rows = await s.messages.historyGroup(req.sessionId, joined, req.msgIdBegin, req.msgCnt);
    }
    list = msgInfos(await s.audio.expand(rows));
  } catch (err) {
    ctx.log.error({ user: req.userId, session: req.sessionId, err: (err as Error).message }, 'history query failed');
  }
  ctx.reply(Cid.CID_MSG_LIST_RESPONSE, IM.Message.IMGetMsgListRsp, {
    userId: req.userId, sessionType: req.sessionType, sessionId: req.sessionId, msgIdBegin: req.msgIdBegin, msgList: list, attachData: attachOf(req),
  });
}

/** §6.12 messages by id (at most 100). */
export async function handleMsgById(ctx: RequestContext, req: IM.Message.IMGetMsgByIdReq): Promise<void> {
  if (!validSessionType(ctx, req)) return;
  const { s } = ctx;
  const ids = [...new Set(req.msgIdList)].slice(0, MAX_MSG_READ);
  if (req.msgIdList.length > MAX_MSG_READ) ctx.log.info({ user: req.userId, asked: req.msgIdList.length }, `by-id request capped at ${MAX_MSG_READ}`);
  let list: IM.BaseDefine.IMsgInfo[] = [];
  try {
    let rows: StoredMsg[] = [];
    if (ids.length > 0 && req.sessionType === SESSION_SINGLE) {
      const r = await s.relations.lookup(req.userId, req.sessionId);
      if (r) rows = await s.messages.byIdsSingle(r, ids);
    } else if (ids.length > 0) {
      const joined = await s.groups.joinTime(req.userId, req.sessionId);
      if (joined) rows = await s.messages.byIdsGroup(req.sessionId, joined, ids);
    }
    list = msgInfos(await s.audio.expand(rows));
  } catch (err) {
    ctx.log.error({ user: req.userId, session: req.sessionId, err: (err as Error).message }, 'by-id query failed');
  }
  ctx.reply(Cid.CID_MSG_GET_BY_MSG_ID_RES, IM.Message.IMGetMsgByIdRsp, {
    userId: req.userId, sessionType: req.sessionType, sessionId: req.sessionId, msgList: list, attachData: attachOf(req),
  });
}

/** §6.13 latest msg id (newest by time; no membership check, like the original). */
export async function handleLatestMsgId(ctx: RequestContext, req: IM.Message.IMGetLatestMsgIdReq): Promise<void> {
  if (!validSessionType(ctx, req)) return;
  let latest = 0;
  try {
    latest = (await latestOf(ctx.s, req.userId, req.sessionType, req.sessionId))?.msgId ?? 0;
  } catch (err) {
    ctx.log.error({ user: req.userId, session: req.sessionId, err: (err as Error).message }, 'latest msg id query failed');
  }
  ctx.reply(Cid.CID_MSG_GET_LATEST_MSG_ID_RSP, IM.Message.IMGetLatestMsgIdRsp, {
    userId: req.userId, sessionType: req.sessionType, sessionId: req.sessionId, latestMsgId: latest, attachData: attachOf(req),
  });
}
