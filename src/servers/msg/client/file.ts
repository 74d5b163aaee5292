import type { Pdu } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import { FileLink } from '../../../links/FileLink';
import type { MsgConn } from '../MsgConn';
import type { MsgServer } from '../MsgServer';
import { bodyContext, CTX_FILE, handleContext } from '../Context';
import { forwardToDb } from './forward';

const OFFLINE = IM.BaseDefine.TransferFileType.FILE_TYPE_OFFLINE;

/** CID_FILE_RESPONSE result 1: no file_server can take the transfer. */
export function fileRefused(conn: MsgConn, seq: number, req: { toUserId: number; fileName: string; transMode: number }): void {
  conn.server.log.warn({ conn: conn.handle, user: conn.userId, to: req.toUserId, transMode: req.transMode }, 'file transfer refused: no file_server link');
  conn.send(Cid.CID_FILE_RESPONSE, encodeBody(IM.File.IMFileRsp, {
    resultCode: 1, fromUserId: conn.userId, toUserId: req.toUserId, fileName: req.fileName, taskId: '', transMode: req.transMode,
  }), { seq });
}

/** Send a CID_OTHER_FILE_TRANSFER_REQ to a file link; false when none is open. */
export function sendTransfer(s: MsgServer, seq: number, xfer: IM.Server.IIMFileTransferReq): boolean {
  const link = s.links.file.pick();
  return link !== undefined && link.send(Cid.CID_OTHER_FILE_TRANSFER_REQ, encodeBody(IM.Server.IMFileTransferReq, xfer), { seq });
}

/**
 * CID_FILE_REQUEST (servers.md §4.13): offline transfers go straight to a file_server; online ones
 * too when the receiver has a PC client here, otherwise route_server is asked whether the receiver
 * has a PC client anywhere (type-5 context) and the mode is decided on its answer.
 */
export function handleFileRequest(conn: MsgConn, pdu: Pdu): void {
  const s = conn.server;
  const seq = pdu.header.seq;
  const req = decodeBody(IM.File.IMFileReq, pdu);
  if (!s.links.file.pick()) { fileRefused(conn, seq, req); return; }
  const xfer: IM.Server.IIMFileTransferReq = {
    fromUserId: conn.userId, toUserId: req.toUserId, fileName: req.fileName, fileSize: req.fileSize,
    transMode: req.transMode, attachData: handleContext(conn.handle),
  };
  const receiver = s.users.get(req.toUserId);
  if (req.transMode === OFFLINE || (receiver && (receiver.hasPc() || receiver.pcLoginStatus === 1))) {
    if (!sendTransfer(s, seq, xfer)) fileRefused(conn, seq, req);
    return;
  }
  const ask = encodeBody(IM.Buddy.IMUsersStatReq, {
    userId: conn.userId, userIdList: [req.toUserId],
    attachData: bodyContext(CTX_FILE, conn.handle, encodeBody(IM.Server.IMFileTransferReq, xfer)),
  });
  if (s.route.sendMaster(s.reframe(pdu.header, Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, ask))) return;
  // Original: silently dropped without a route link. Without presence knowledge, offline is the safe mode.
  xfer.transMode = OFFLINE;
  if (!sendTransfer(s, seq, xfer)) fileRefused(conn, seq, { ...req, transMode: OFFLINE });
}

export const handleFileHasOffline = forwardToDb(IM.File.IMFileHasOfflineReq, 'general', {
  reply: Cid.CID_FILE_HAS_OFFLINE_RES,
  onNoUpstream: (conn, pdu) => conn.send(Cid.CID_FILE_HAS_OFFLINE_RES, encodeBody(IM.File.IMFileHasOfflineRsp, { userId: conn.userId }), { seq: pdu.header.seq }),
});

/**
 * CID_FILE_ADD_OFFLINE_REQ: the uploader finished; store the record and tell the receiver
 * (CID_FILE_NOTIFY offline_ready 1) here and through route_server.
 */
export function handleFileAddOffline(conn: MsgConn, pdu: Pdu): void {
  const s = conn.server;
  const req = decodeBody(IM.File.IMFileAddOfflineReq, pdu);
  req.fromUserId = conn.userId;
  if (!s.db.send('general', s.reframe(pdu.header, Cid.CID_FILE_ADD_OFFLINE_REQ, encodeBody(IM.File.IMFileAddOfflineReq, req)))) {
    s.log.warn({ conn: conn.handle, user: conn.userId }, 'no db_proxy link; offline file record not stored');
    return;
  }
  const link = s.links.file.pick();
  if (!link) return;
  const notify = s.frame(Cid.CID_FILE_NOTIFY, IM.File.IMFileNotify, {
    fromUserId: conn.userId, toUserId: req.toUserId, fileName: req.fileName, fileSize: req.fileSize, taskId: req.taskId,
    ipAddrList: FileLink.addresses(link), transMode: OFFLINE, offlineReady: 1,
  });
  const receiver = s.users.get(req.toUserId);
  if (receiver) for (const c of receiver.pcConns()) if (!c.kicked) c.sendRaw(notify);
  // Queued without a master: the record is stored, the receiver elsewhere is never told otherwise.
  s.route.relay(notify);
}

/**
 * CID_FILE_DEL_OFFLINE_REQ: the receiver removes an offline file it downloaded.
 * Original bug (protocol.md §9 item 20): the ids were taken from the client, so anyone could delete
 * anyone's record; the receiver is now the session user.
 */
export function handleFileDelOffline(conn: MsgConn, pdu: Pdu): void {
  const s = conn.server;
  const req = decodeBody(IM.File.IMFileDelOfflineReq, pdu);
  req.toUserId = conn.userId;
  if (!s.db.send('general', s.reframe(pdu.header, Cid.CID_FILE_DEL_OFFLINE_REQ, encodeBody(IM.File.IMFileDelOfflineReq, req)))) {
    s.log.warn({ conn: conn.handle, user: conn.userId }, 'no db_proxy link; offline file not deleted');
  }
}
