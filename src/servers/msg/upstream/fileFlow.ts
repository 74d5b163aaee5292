import type { Pdu } from '../../../pdu/Pdu';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import type { PeerConn } from '../../../links/PeerConn';
import { FileLink } from '../../../links/FileLink';
import type { MsgServer } from '../MsgServer';
import type { Context } from '../Context';
import { fileRefused, sendTransfer } from '../client/file';

/**
 * CID_OTHER_FILE_TRANSFER_RSP (servers.md §4.13): the sender gets CID_FILE_RESPONSE with the
 * addresses of the file_server that created the task; on success the receiver's PC terminals here
 * and the receiver elsewhere (through route_server) get CID_FILE_NOTIFY.
 */
export function onFileTransferRsp(s: MsgServer, link: PeerConn, pdu: Pdu): void {
  const rsp = decodeBody(IM.Server.IMFileTransferRsp, pdu);
  const r = s.requester(rsp.fromUserId, rsp.attachData);
  if (!r) return;
  const addrs = FileLink.addresses(link);
  r.conn.send(Cid.CID_FILE_RESPONSE, encodeBody(IM.File.IMFileRsp, {
    resultCode: rsp.resultCode, fromUserId: rsp.fromUserId, toUserId: rsp.toUserId, fileName: rsp.fileName ?? '',
    taskId: rsp.taskId ?? '', ipAddrList: addrs, transMode: rsp.transMode ?? IM.BaseDefine.TransferFileType.FILE_TYPE_ONLINE,
  }), { seq: pdu.header.seq });
  if (rsp.resultCode !== 0) return;
  const notify = s.frame(Cid.CID_FILE_NOTIFY, IM.File.IMFileNotify, {
    fromUserId: rsp.fromUserId, toUserId: rsp.toUserId, fileName: rsp.fileName ?? '', fileSize: rsp.fileSize ?? 0,
    taskId: rsp.taskId ?? '', ipAddrList: addrs, transMode: rsp.transMode ?? IM.BaseDefine.TransferFileType.FILE_TYPE_ONLINE, offlineReady: 0,
  });
  const receiver = s.users.get(rsp.toUserId);
  if (receiver) for (const c of receiver.pcConns()) if (!c.kicked) c.sendRaw(notify);
  // Queued without a master: the offer stays valid on file_server (120 s client timeout) longer
  // than a relay may wait (RouteRelayMaxAgeMs), and the receiver elsewhere is never told otherwise.
  s.route.relay(notify);
}

/** CID_OTHER_FILE_SERVER_IP_RSP: the client addresses of that file_server, kept on the link. */
export function onFileServerIps(_s: MsgServer, link: PeerConn, pdu: Pdu): void {
  const rsp = decodeBody(IM.Server.IMFileServerIPRsp, pdu);
  FileLink.addAddresses(link, rsp.ipAddrList);
}

/** route_server's answer to a type-5 question: online if the receiver has a PC client anywhere. */
export function onFileStatus(s: MsgServer, pdu: Pdu, rsp: IM.Buddy.IMUsersStatRsp, ctx: Context): void {
  if (!ctx.body) return;
  const xfer = decodeBody(IM.Server.IMFileTransferReq, ctx.body);
  const online = rsp.userStatList[0]?.status === IM.BaseDefine.UserStatType.USER_STATUS_ONLINE;
  xfer.transMode = online ? IM.BaseDefine.TransferFileType.FILE_TYPE_ONLINE : IM.BaseDefine.TransferFileType.FILE_TYPE_OFFLINE;
  if (sendTransfer(s, pdu.header.seq, xfer)) return;
  const conn = s.conns.get(ctx.handle);
  if (conn && conn.open && conn.userId === xfer.fromUserId) fileRefused(conn, pdu.header.seq, xfer);
}
