import { IM } from '../../pdu/gen/im';
import { Cid } from '../../pdu/commands';
import { decodeBody, encodeBody } from '../../pdu/codec';
import { HandlerTable } from '../../net/HandlerTable';
import type { Pdu } from '../../pdu/Pdu';
import type { LoginConn } from './LoginConn';

/** CID_OTHER_HEARTBEAT: only refreshes the receive time (done by Conn); not echoed. */
function handleHeartbeat(): void {}

/**
 * A msg_server-only command on the client port: a client has no business registering. Not in the
 * original, whose client port never dispatched anything (servers.md §3.5): the peer is closed with
 * a log line instead of entering the registry that login_server hands out.
 */
function refuseFromClient(conn: LoginConn, pdu: Pdu): boolean {
  if (conn.kind === 'msg_server') return false;
  conn.ctx.log.warn({ conn: conn.id, peer: `${conn.peerIp}:${conn.peerPort}`, cid: pdu.header.commandId }, 'msg_server command on the client port; closing');
  conn.close();
  return true;
}

/** CID_OTHER_MSG_SERV_INFO (servers.md §3.2): the msg_server behind this link registers. */
function handleMsgServInfo(conn: LoginConn, pdu: Pdu): void {
  if (refuseFromClient(conn, pdu)) return;
  const info = decodeBody(IM.Server.IMMsgServInfo, pdu);
  const { registry, log } = conn.ctx;
  registry.register(conn, conn.order, {
    ip1: info.ip1, ip2: info.ip2, port: info.port,
    maxConnCnt: info.maxConnCnt, curConnCnt: info.curConnCnt, hostName: info.hostName,
  });
  log.info({ link: conn.id, ip1: info.ip1, ip2: info.ip2, port: info.port, max: info.maxConnCnt, cur: info.curConnCnt, host: info.hostName, total: registry.total }, 'msg_server registered');
}

/** CID_OTHER_USER_CNT_UPDATE (servers.md §3.2): one terminal logged in (1) or closed (2). */
function handleUserCntUpdate(conn: LoginConn, pdu: Pdu): void {
  if (refuseFromClient(conn, pdu)) return;
  const u = decodeBody(IM.Server.IMUserCntUpdate, pdu);
  const { registry, log } = conn.ctx;
  if (!registry.adjust(conn, u.userAction)) {
    log.warn({ link: conn.id, action: u.userAction, user: u.userId, registered: registry.get(conn) !== undefined }, 'user count update ignored');
    return;
  }
  log.debug({ link: conn.id, action: u.userAction, user: u.userId, total: registry.total }, 'user count update');
}

/**
 * CID_LOGIN_REQ_MSGSERVER (servers.md §3.5): answer with the chosen msg_server and close.
 * Original bug: port-8008 connections were never registered, so this was never answered and every
 * connection leaked a descriptor. Rewrite: the intended behaviour, on both PDU ports like the original.
 */
function handleMsgServReq(conn: LoginConn, pdu: Pdu): void {
  decodeBody(IM.Login.IMMsgServReq, pdu);
  const sel = conn.ctx.registry.select();
  const rsp: IM.Login.IIMMsgServRsp = sel.code === 0
    ? { resultCode: 0, priorIp: sel.server.ip1, backipIp: sel.server.ip2, port: sel.server.port }
    : { resultCode: sel.code };
  conn.send(Cid.CID_LOGIN_RES_MSGSERVER, encodeBody(IM.Login.IMMsgServRsp, rsp), { seq: pdu.header.seq });
  conn.close();
}

/** login_server's one dispatch table (protocol.md §2.9); anything else is logged and dropped by Conn. */
export const loginHandlers = new HandlerTable<LoginConn>([
  [Cid.CID_OTHER_HEARTBEAT, handleHeartbeat],
  [Cid.CID_OTHER_MSG_SERV_INFO, handleMsgServInfo],
  [Cid.CID_OTHER_USER_CNT_UPDATE, handleUserCntUpdate],
  [Cid.CID_LOGIN_REQ_MSGSERVER, handleMsgServReq],
]);
