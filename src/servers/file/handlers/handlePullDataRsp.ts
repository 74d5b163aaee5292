import { IM } from '../../../pdu/gen/im';
import { Cid } from '../../../pdu/commands';
import { decodeBody } from '../../../pdu/codec';
import type { Pdu } from '../../../pdu/Pdu';
import { nowMs } from '../../../util/clock';
import type { FileClientConn } from '../FileClientConn';
import { storeSegment } from '../OfflineUpload';
import { relayPullResponse } from '../OnlineTransfer';
import { MODE_ONLINE, OfflineTask, OnlineTask } from '../TransferTask';

/**
 * CID_FILE_PULL_DATA_RSP from a sender: relayed to the receiver with the latest pull's seq (online,
 * edge.md §1.8 step 4) or stored as the next segment (offline upload, §1.9).
 */
export async function handlePullDataRsp(conn: FileClientConn, pdu: Pdu): Promise<void> {
  const task = conn.task;
  if (!task) {
    conn.ctx.log.debug({ conn: conn.id }, 'pull data before login; ignored');
    return;
  }
  const rsp = decodeBody(IM.File.IMFilePullDataRsp, pdu, Cid.CID_FILE_PULL_DATA_RSP);
  task.lastActive = nowMs();
  if (task.mode === MODE_ONLINE) {
    const problem = relayPullResponse(task as OnlineTask, conn, pdu, rsp);
    if (problem) {
      conn.ctx.log.warn({ conn: conn.id, taskId: task.taskId, why: problem }, 'online data refused; closing');
      conn.close();
    }
    return;
  }
  await storeSegment(task as OfflineTask, conn, rsp);
}
