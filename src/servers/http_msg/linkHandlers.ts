import { IM } from '../../pdu/gen/im';
import { Cid, allCommands } from '../../pdu/commands';
import { decodeBody } from '../../pdu/codec';
import { decodeAttach } from '../../pdu/attach';
import { PduError } from '../../pdu/PduError';
import type { Pdu } from '../../pdu/Pdu';
import { HandlerTable } from '../../net/HandlerTable';
import type { PeerConn } from '../../links/PeerConn';
import type { Logger } from '../../util/log';
import type { DbReplies, DbReplyCid, PendingReplies } from './PendingReplies';
import { HTTP_ATTACH_TYPE } from './askDbProxy';

/**
 * What db_proxy may send (edge.md §3.3): heartbeats (ignored), stop-receive (the link is no longer
 * chosen) and the two group replies, matched to the waiting HTTP request by their attach_data.
 * Anything else reaches Conn's "no handler" log line.
 */
export function dbLinkHandlers(pending: PendingReplies, log: Logger): HandlerTable<PeerConn> {
  const deliver = <C extends DbReplyCid>(pdu: Pdu, attach: Uint8Array, cid: C, rsp: DbReplies[C]): void => {
    let handle: number;
    try {
      const a = decodeAttach(attach);
      if (a.type !== HTTP_ATTACH_TYPE) throw new PduError('bad-attach', `attach type ${a.type}, expected ${HTTP_ATTACH_TYPE}`);
      handle = a.handle;
    } catch (err) {
      // Original bug: a short context blob dropped the whole link; one unroutable reply is only logged.
      log.warn({ cid: pdu.header.commandId, err: (err as Error).message }, 'db_proxy reply with unusable attach_data; dropped');
      return;
    }
    if (!pending.settle(handle, cid, rsp)) log.info({ cid: pdu.header.commandId, handle }, 'db_proxy reply for a request nobody waits for; dropped');
  };

  return new HandlerTable<PeerConn>([
    [Cid.CID_OTHER_HEARTBEAT, () => undefined],
    [Cid.CID_OTHER_STOP_RECV_PACKET, (conn) => {
      log.warn({ peer: conn.peer }, 'db_proxy is stopping: link no longer used');
      conn.stopUsing();
    }],
    [Cid.CID_GROUP_CREATE_RESPONSE, (_conn, pdu) => {
      const rsp = decodeBody(IM.Group.IMGroupCreateRsp, pdu);
      deliver(pdu, rsp.attachData, Cid.CID_GROUP_CREATE_RESPONSE, rsp);
    }],
    [Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, (_conn, pdu) => {
      const rsp = decodeBody(IM.Group.IMGroupChangeMemberRsp, pdu);
      deliver(pdu, rsp.attachData, Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, rsp);
    }],
  ]);
}

/**
 * route_server treats http_msg_server as one more msg_server and sends it every broadcast; the
 * original ignored them all (edge.md §3.3), and so do we, without a log line per broadcast.
 */
export function routeLinkHandlers(): HandlerTable<PeerConn> {
  return new HandlerTable<PeerConn>(allCommands().map((c) => [c.commandId, () => undefined] as const));
}
