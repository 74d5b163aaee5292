import type { Pdu } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import type { MsgConn } from '../MsgConn';
import { handleContext } from '../Context';
import { isPc } from '../ClientClass';

const KICK_REASON_MOBILE_KICK = 2;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** CID_OTHER_HEARTBEAT: echoed byte for byte, header included (protocol.md §6). Works before login. */
export function handleHeartbeat(conn: MsgConn, pdu: Pdu): void {
  conn.send(pdu.header.commandId, pdu.body, pdu.header);
}

/** CID_MSG_TIME_REQUEST: answered here with the request's seq. */
export function handleClientTime(conn: MsgConn, pdu: Pdu): void {
  conn.send(Cid.CID_MSG_TIME_RESPONSE, encodeBody(IM.Message.IMClientTimeRsp, { serverTime: nowSeconds() }), { seq: pdu.header.seq });
}

/** CID_LOGIN_REQ_USERLOGIN (servers.md §4.6 steps 1-5; the rest is handleValidateRsp). */
export function handleLogin(conn: MsgConn, pdu: Pdu): void {
  if (conn.loginName !== undefined || conn.open) return; // a second login request is ignored
  const s = conn.server;
  const { db, route, login } = s.links;
  const refuse = !db.pick('login') ? IM.BaseDefine.ResultType.REFUSE_REASON_NO_DB_SERVER
    : !login.hasOpen() ? IM.BaseDefine.ResultType.REFUSE_REASON_NO_LOGIN_SERVER
      : !route.hasOpen() ? IM.BaseDefine.ResultType.REFUSE_REASON_NO_ROUTE_SERVER : 0;
  if (refuse !== 0) {
    s.log.warn({ conn: conn.handle, code: refuse }, 'login refused: a server link is down');
    s.refuseLogin(conn, pdu.header.seq, refuse);
    conn.close();
    return;
  }
  const req = decodeBody(IM.Login.IMLoginReq, pdu);
  conn.loginName = req.userName;
  conn.loginSeq = pdu.header.seq;
  const st = req.onlineStatus;
  conn.onlineStatus = st >= 1 && st <= 3 ? st : 1;
  conn.setClientType(req.clientType);
  // client_version is not kept: nothing reads it, and a string per idle connection is memory.
  const body = encodeBody(IM.Server.IMValidateReq, { userName: req.userName, password: req.password, attachData: handleContext(conn.handle) });
  const link = db.send('login', s.reframe(pdu.header, Cid.CID_OTHER_VALIDATE_REQ, body));
  if (!link) {
    s.refuseLogin(conn, pdu.header.seq, IM.BaseDefine.ResultType.REFUSE_REASON_NO_DB_SERVER);
    conn.close();
    return;
  }
  s.loginSent(conn, link);
}

/**
 * CID_LOGIN_REQ_LOGINOUT: reply at once, then close (servers.md §4.9).
 * Original bug (protocol.md §9 item 21): every logout, PC included, sent an empty device token to
 * db_proxy and wiped the user's mobile push token. Only a mobile logout clears its token here.
 */
export function handleLogout(conn: MsgConn, pdu: Pdu): void {
  const s = conn.server;
  conn.send(Cid.CID_LOGIN_RES_LOGINOUT, encodeBody(IM.Login.IMLogoutRsp, { resultCode: 0 }), { seq: pdu.header.seq });
  if (conn.mobile) {
    const body = encodeBody(IM.Login.IMDeviceTokenReq, { userId: conn.userId, deviceToken: '', clientType: conn.clientType });
    s.db.send('general', s.reframe(pdu.header, Cid.CID_LOGIN_REQ_DEVICETOKEN, body));
  }
  s.log.info({ conn: conn.handle, user: conn.userId }, 'logout');
  conn.close();
}

/**
 * CID_LOGIN_REQ_DEVICETOKEN (mobile only; ignored from PC clients). Answered at once.
 * Original bug (protocol.md §9 item 7): the reply body was empty, missing the required user_id;
 * we fill it (a client that parsed the empty body parses this one too).
 */
export function handleDeviceToken(conn: MsgConn, pdu: Pdu): void {
  if (!conn.mobile) return;
  const s = conn.server;
  const req = decodeBody(IM.Login.IMDeviceTokenReq, pdu);
  req.userId = conn.userId;
  req.clientType = conn.clientType;
  conn.send(Cid.CID_LOGIN_RES_DEVICETOKEN, encodeBody(IM.Login.IMDeviceTokenRsp, { userId: conn.userId }), { seq: pdu.header.seq });
  if (!s.db.send('general', s.reframe(pdu.header, Cid.CID_LOGIN_REQ_DEVICETOKEN, encodeBody(IM.Login.IMDeviceTokenReq, req)))) {
    s.log.warn({ conn: conn.handle, user: conn.userId }, 'no db_proxy link; device token not stored');
  }
}

/** CID_LOGIN_REQ_KICKPCCLIENT (mobile only): kick the user's PC terminals here and elsewhere. */
export function handleKickPcClient(conn: MsgConn, pdu: Pdu): void {
  if (!conn.mobile) return;
  const s = conn.server;
  decodeBody(IM.Login.IMKickPCClientReq, pdu);
  const user = s.users.get(conn.userId);
  const kicked = user ? user.conns.filter((c) => isPc(c.clientType) && !c.kicked) : [];
  for (const c of kicked) s.kick(c, KICK_REASON_MOBILE_KICK);
  // Not queued: replayed later it could kick a PC that logged in after the request (the user can retry).
  s.route.sendMaster(s.frame(Cid.CID_OTHER_SERVER_KICK_USER, IM.Server.IMServerKickUser, {
    userId: conn.userId, clientType: IM.BaseDefine.ClientType.CLIENT_TYPE_MAC, reason: KICK_REASON_MOBILE_KICK,
  }));
  conn.send(Cid.CID_LOGIN_RES_KICKPCCLIENT, encodeBody(IM.Login.IMKickPCClientRsp, { userId: conn.userId, resultCode: 0 }), { seq: pdu.header.seq });
  for (const c of kicked) c.close();
}
