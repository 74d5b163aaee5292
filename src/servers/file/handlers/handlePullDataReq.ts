import { IM } from '../../../pdu/gen/im';
import { Cid } from '../../../pdu/commands';
import { decodeBody } from '../../../pdu/codec';
import type { Pdu } from '../../../pdu/Pdu';
import { nowMs } from '../../../util/clock';
import type { FileClientConn } from '../FileClientConn';
import { serveSegment } from '../OfflineDownload';
import { relayPullRequest } from '../OnlineTransfer';
import { MODE_ONLINE, OfflineTask, OnlineTask } from '../TransferTask';

/**
 * CID_FILE_PULL_DATA_REQ from a receiver: relayed to the sender (online, edge.md §1.8 step 3) or
 * answered from disk (offline download, §1.11). Before a login it is ignored (§1.7).
 */
export async function handlePullDataReq(conn: FileClientConn, pdu: Pdu): Promise<void> {
  const task = conn.task;
  if (!task) {
    conn.ctx.log.debug({ conn: conn.id }, 'pull request before login; ignored');
    return;
  }
  const req = decodeBody(IM.File.IMFilePullDataReq, pdu, Cid.CID_FILE_PULL_DATA_REQ);
  task.lastActive = nowMs();
  if (task.mode === MODE_ONLINE) {
    const problem = relayPullRequest(task as OnlineTask, conn, pdu, req);
    if (problem) {
      conn.ctx.log.warn({ conn: conn.id, taskId: task.taskId, why: problem }, 'online pull request refused; closing');
      conn.close();
    }
    return;
  }
  await serveSegment(task as OfflineTask, conn, pdu, req);
}
