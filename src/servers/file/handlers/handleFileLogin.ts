import { IM } from '../../../pdu/gen/im';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import type { Pdu } from '../../../pdu/Pdu';
import { nowMs } from '../../../util/clock';
import type { FileClientConn } from '../FileClientConn';
import { afterDownloadLogin, downloadLogin, loadForDownload } from '../OfflineDownload';
import { startUpload, uploadLogin } from '../OfflineUpload';
import { afterOnlineLogin, onlineLogin } from '../OnlineTransfer';
import { isValidTaskId } from '../TaskId';
import { MODE_ONLINE, OfflineTask, OnlineTask, ROLE_OFFLINE_DOWNLOAD } from '../TransferTask';

/**
 * CID_FILE_LOGIN_REQ (edge.md §1.7): bind this connection to a task in the role asked for, answer
 * with the request's seq, then start whatever the new state calls for. A refused login is answered
 * with result 1 and the connection is closed.
 */
export async function handleFileLogin(conn: FileClientConn, pdu: Pdu): Promise<void> {
  const req = decodeBody(IM.File.IMFileLoginReq, pdu, Cid.CID_FILE_LOGIN_REQ);
  const ctx = conn.ctx;
  const seq = pdu.header.seq;
  const now = nowMs();
  const role = req.fileRole as number;

  const refuse = (why: string): void => {
    ctx.log.warn({ conn: conn.id, peer: `${conn.peerIp}:${conn.peerPort}`, userId: req.userId, taskId: req.taskId.slice(0, 64), role, why }, 'file login refused');
    if (ctx.throttle.failed(conn.peerIp, now)) {
      ctx.log.warn({ peer: conn.peerIp }, 'too many failed file logins from this address; refusing its logins for a while');
    }
    conn.send(Cid.CID_FILE_LOGIN_RES, encodeBody(IM.File.IMFileLoginRsp, { resultCode: 1, taskId: req.taskId }), { seq });
    conn.finish(now);
  };

  // Original bug: a second login rebound the connection and left the first task's slot dangling.
  if (conn.authenticated || conn.busy) return refuse('connection already logged in');
  if (ctx.throttle.blocked(conn.peerIp, now)) return refuse('address is throttled after failed logins');
  // The task id is the only client text that could reach a path: nothing else is done with a bad one.
  if (!isValidTaskId(req.taskId)) return refuse('malformed task id');

  let task = ctx.tasks.get(req.taskId);
  let problem: string | undefined;
  if (role === ROLE_OFFLINE_DOWNLOAD) {
    if (task) return refuse(`task busy in state ${task.state}`);
    conn.busy = true;
    let loaded: OfflineTask | string;
    try {
      loaded = await loadForDownload(ctx, req.taskId, now);
    } finally {
      conn.busy = false;
    }
    if (typeof loaded === 'string') return refuse(loaded);
    problem = downloadLogin(loaded, conn, role, req.userId);
    if (!problem && conn.closed) problem = 'connection closed during the login';
    if (!problem && !ctx.tasks.adopt(loaded)) problem = 'task busy';
    if (problem) {
      await loaded.download?.close();
      return refuse(problem);
    }
    task = loaded;
  } else {
    if (!task) return refuse('unknown task');
    problem = task.mode === MODE_ONLINE
      ? onlineLogin(task as OnlineTask, conn, role, req.userId)
      : uploadLogin(task as OfflineTask, conn, role, req.userId);
    if (problem) return refuse(problem);
  }

  conn.task = task;
  conn.userId = req.userId;
  conn.role = role;
  task.lastActive = now;
  ctx.log.info({ conn: conn.id, taskId: task.taskId, userId: req.userId, role, state: task.state }, 'file login');
  conn.send(Cid.CID_FILE_LOGIN_RES, encodeBody(IM.File.IMFileLoginRsp, { resultCode: 0, taskId: task.taskId }), { seq });

  if (task.mode === MODE_ONLINE) afterOnlineLogin(task as OnlineTask);
  else if (role === ROLE_OFFLINE_DOWNLOAD) afterDownloadLogin(task as OfflineTask, conn);
  else await startUpload(task as OfflineTask, conn);
}
