import { IM } from '../../../pdu/gen/im';
import { Cid } from '../../../pdu/commands';
import { encodeBody } from '../../../pdu/codec';
import type { Pdu } from '../../../pdu/Pdu';
import type { MsgLinkConn } from '../MsgLinkConn';

/** CID_OTHER_FILE_SERVER_IP_REQ (edge.md §1.4): the advertised client addresses, in configuration order. */
export function handleFileServerIpReq(conn: MsgLinkConn, pdu: Pdu): void {
  conn.send(Cid.CID_OTHER_FILE_SERVER_IP_RSP, encodeBody(IM.Server.IMFileServerIPRsp, {
    ipAddrList: conn.ctx.advertised.map((a) => ({ ip: a.ip, port: a.port })),
  }), { seq: pdu.header.seq });
}
