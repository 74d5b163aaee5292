import { IM } from '../../../pdu/gen/im';
import { Cid } from '../../../pdu/commands';
import { decodeBody } from '../../../pdu/codec';
import { encodeFrame } from '../../../pdu/Pdu';
import type { Pdu } from '../../../pdu/Pdu';
import { nowMs } from '../../../util/clock';
import type { FileClientConn } from '../FileClientConn';
import { MODE_ONLINE, TaskState } from '../TransferTask';

const RELAYED_STATES = new Set([1, 2, 3]); // CLIENT_FILE_CANCEL, _REFUSE, _DONE

/**
 * CID_FILE_STATE from a client (edge.md §1.8 step 6): cancel, refuse and done are relayed unchanged to
 * the other side; the connection that sent it is closed in every case, as in the original. Closing
 * an uploader this way discards its partial file (leaveTask).
 */
export function handleFileState(conn: FileClientConn, pdu: Pdu): void {
  const task = conn.task;
  if (!task) {
    conn.ctx.log.debug({ conn: conn.id }, 'file state before login; ignored');
    return;
  }
  const st = decodeBody(IM.File.IMFileState, pdu, Cid.CID_FILE_STATE);
  const state = st.state as number;
  const valid = st.userId === conn.userId && st.taskId === task.taskId;
  if (valid && RELAYED_STATES.has(state)) {
    const peer = task.peerOf(conn);
    if (peer && !peer.closed) {
      const h = pdu.header;
      peer.relay(encodeFrame(h.commandId, pdu.body, { seq: h.seq, version: h.version, flag: h.flag, reserved: h.reserved }), conn);
    }
  } else {
    conn.ctx.log.warn({ conn: conn.id, taskId: task.taskId, state, userId: st.userId }, 'file state with wrong user, task or value; closing');
  }
  if (task.mode === MODE_ONLINE) task.state = TaskState.Invalid;
  conn.ctx.log.info({ conn: conn.id, taskId: task.taskId, state }, 'file state from client; closing its connection');
  conn.finish(nowMs());
}
