import { HandlerTable } from '../../../net/HandlerTable';
import { Cid } from '../../../pdu/commands';
import { decodeBody } from '../../../pdu/codec';
import { IM } from '../../../pdu/gen/im';
import type { PeerConn } from '../../../links/PeerConn';
import type { MsgServer } from '../MsgServer';
import { bind, ignore, LinkHandler } from './bind';
import { onFileServerIps, onFileTransferRsp } from './fileFlow';

/** login_server sends nothing but heartbeats (servers.md §4.15). */
export function loginHandlers(s: MsgServer): HandlerTable<PeerConn> {
  return new HandlerTable<PeerConn>(bind(s, [[Cid.CID_OTHER_HEARTBEAT, ignore]]));
}

const onPushRsp: LinkHandler = (s, _link, pdu) => {
  const rsp = decodeBody(IM.Server.IMPushToUserRsp, pdu);
  s.log.debug({ results: rsp.pushResultList.length }, 'push_server answered');
};

export function pushHandlers(s: MsgServer): HandlerTable<PeerConn> {
  return new HandlerTable<PeerConn>(bind(s, [
    [Cid.CID_OTHER_HEARTBEAT, ignore],
    [Cid.CID_OTHER_PUSH_TO_USER_RSP, onPushRsp],
  ]));
}

export function fileHandlers(s: MsgServer): HandlerTable<PeerConn> {
  return new HandlerTable<PeerConn>(bind(s, [
    [Cid.CID_OTHER_HEARTBEAT, ignore],
    [Cid.CID_OTHER_FILE_TRANSFER_RSP, onFileTransferRsp],
    [Cid.CID_OTHER_FILE_SERVER_IP_RSP, onFileServerIps],
  ]));
}
