import type { Pdu } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import type { PeerConn } from '../../../links/PeerConn';
import type { MsgServer } from '../MsgServer';
import { parseContext } from '../Context';
import { nowSeconds } from '../client/session';

const KICK_REASON_DUPLICATE_USER = 1;

/**
 * CID_OTHER_VALIDATE_RSP: the end of a login (servers.md §4.6 steps 6-8). Order kept from the
 * original: local kick, remote kick, count and status updates, then the login reply, so the user
 * counts as online before the client hears it is logged in (clients.md).
 */
export function onValidateRsp(s: MsgServer, _link: PeerConn, pdu: Pdu): void {
  const rsp = decodeBody(IM.Server.IMValidateRsp, pdu);
  const ctx = parseContext(rsp.attachData);
  const conn = ctx ? s.conns.get(ctx.handle) : undefined;
  if (conn && conn.loginName === rsp.userName) s.loginSettled(conn);
  if (!conn || conn.open || conn.closed || conn.loginName !== rsp.userName) {
    s.log.debug({ user: rsp.userName }, 'validate reply for a connection that is gone; dropped');
    return;
  }
  const seq = pdu.header.seq;
  if (rsp.resultCode !== 0 || !rsp.userInfo) {
    s.log.info({ conn: conn.handle, user: rsp.userName, code: rsp.resultCode }, 'login refused by db_proxy');
    conn.send(Cid.CID_LOGIN_RES_USERLOGIN, encodeBody(IM.Login.IMLoginRes, {
      serverTime: nowSeconds(), resultCode: IM.BaseDefine.ResultType.REFUSE_REASON_DB_VALIDATE_FAILED,
      resultString: rsp.resultString ?? '',
    }), { seq });
    conn.close();
    return;
  }
  const info = rsp.userInfo;
  const userId = info.userId;
  const existing = s.users.get(userId);
  // Rewrite (servers.md §4.7): every older terminal of the same class is kicked, then closed
  // below once this login is announced (closing first would flash the user offline).
  const kicked = existing ? existing.kickTargets(conn.clientType) : [];
  for (const k of kicked) s.kick(k, KICK_REASON_DUPLICATE_USER);
  // Sent on every login, even the first (fixture `login`): other msg_servers kick their terminal.
  // Not queued: a kick means "terminals older than this login"; replayed after an outage it could
  // close a terminal that logged in after it (and without a route link logins are refused anyway).
  s.route.sendMaster(s.frame(Cid.CID_OTHER_SERVER_KICK_USER, IM.Server.IMServerKickUser, {
    userId, clientType: conn.clientType, reason: KICK_REASON_DUPLICATE_USER,
  }));
  const user = s.goOnline(conn, userId);
  conn.loginName = ''; // only a pending login needs the name (matching this reply); an idle terminal does not
  user.nick = info.userNickName;
  conn.send(Cid.CID_LOGIN_RES_USERLOGIN, encodeBody(IM.Login.IMLoginRes, {
    serverTime: nowSeconds(), resultCode: IM.BaseDefine.ResultType.REFUSE_REASON_NONE,
    resultString: rsp.resultString ?? '', onlineStatus: conn.onlineStatus, userInfo: info,
  }), { seq });
  s.log.info({ conn: conn.handle, user: userId, clientType: conn.clientType, kicked: kicked.length }, 'login');
  for (const k of kicked) k.close();
}
