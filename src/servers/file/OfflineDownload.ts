import { IM } from '../../pdu/gen/im';
import { Cid } from '../../pdu/commands';
import { encodeBody } from '../../pdu/codec';
import type { Pdu } from '../../pdu/Pdu';
import { nowMs } from '../../util/clock';
import type { FileClientConn } from './FileClientConn';
import type { FileContext } from './FileContext';
import { segmentCount, segmentSize, SEGMENT_SIZE, StoreError } from './OfflineStore';
import { OfflineTask, ROLE_OFFLINE_DOWNLOAD, TaskState } from './TransferTask';

const FILE_DONE = 3; // IM.BaseDefine.ClientFileState.CLIENT_FILE_DONE

/** IM.BaseDefine.FileServerError values sent before a refused pull is closed (edge.md §1.15). */
const ERR_INVALID_TASK_ID = 5;
const ERR_ILLEGAL_USER = 6;
const ERR_READ_FILE = 9;
const ERR_SEEK_OFFSET = 11;
const ERR_FINISHED = 12;

/**
 * Rebuild a download task from the stored file (edge.md §1.10): header and size check done by the
 * store, which only ever builds a path from a validated task id. Returns the task (state 10, file
 * open, not yet in the table) or why it cannot be loaded.
 */
export async function loadForDownload(ctx: FileContext, taskId: string, now: number): Promise<OfflineTask | string> {
  if (!ctx.tasks.beginLoad(taskId)) return 'another download login for this task is in progress';
  try {
    const dl = await ctx.store.openDownload(taskId);
    const h = dl.header;
    const task = new OfflineTask({ taskId, fromUserId: h.fromUserId, toUserId: h.toUserId, fileName: h.fileName, fileSize: h.fileSize }, now);
    task.state = TaskState.WaitingDownload;
    task.createTime = h.createTime;
    task.download = dl;
    return task;
  } catch (err) {
    if (err instanceof StoreError) return err.code === 'not-found' ? 'unknown task' : `stored file unusable: ${err.message}`;
    throw err;
  } finally {
    ctx.tasks.endLoad(taskId);
  }
}

/** edge.md §1.11 step 1: only the task's receiver, only on a complete file. */
export function downloadLogin(task: OfflineTask, conn: FileClientConn, role: number, userId: number): string | undefined {
  if (role !== ROLE_OFFLINE_DOWNLOAD) return `role ${role} does not fit a stored file`;
  if (userId !== task.toUserId) return 'user is not the receiver of this file';
  if (task.state !== TaskState.WaitingDownload || task.receiver) return `download login in state ${task.state}`;
  task.receiver = conn;
  return undefined;
}

/** Rewrite (edge.md §1.15): a zero-byte file is done right after the login. */
export function afterDownloadLogin(task: OfflineTask, conn: FileClientConn): void {
  if (task.fileSize === 0) sendDone(task, conn);
}

function sendDone(task: OfflineTask, conn: FileClientConn): void {
  task.state = TaskState.UploadEnd; // sic: the original's state after a finished download (edge.md §1.11 step 5)
  conn.send(Cid.CID_FILE_STATE, encodeBody(IM.File.IMFileState, { state: FILE_DONE, taskId: task.taskId, userId: task.fromUserId }));
  conn.finish(nowMs());
}

/**
 * One pull from the downloader (edge.md §1.11 steps 2–5): strictly sequential, always the next
 * 32 768-byte segment whatever `data_size` asks. Rewrite: a refused pull gets a
 * `CID_FILE_PULL_DATA_RSP` with a FileServerError code before the close (the original sent nothing).
 */
export async function serveSegment(task: OfflineTask, conn: FileClientConn, pdu: Pdu, req: IM.File.IMFilePullDataReq): Promise<void> {
  const seq = pdu.header.seq;
  const fail = (code: number, why: string): void => {
    conn.ctx.log.warn({ conn: conn.id, peer: `${conn.peerIp}:${conn.peerPort}`, taskId: task.taskId, offset: req.offset, why }, 'offline download pull refused; closing');
    conn.send(Cid.CID_FILE_PULL_DATA_RSP, encodeBody(IM.File.IMFilePullDataRsp, {
      resultCode: code, taskId: task.taskId, userId: req.userId, offset: req.offset, fileData: new Uint8Array(0),
    }), { seq });
    conn.finish(nowMs());
  };
  if (conn.busy) return fail(ERR_SEEK_OFFSET, 'pull sent before the previous one was answered');
  if (req.userId !== conn.userId || req.userId !== task.toUserId) return fail(ERR_ILLEGAL_USER, 'user is not the downloader');
  if (req.taskId !== task.taskId) return fail(ERR_INVALID_TASK_ID, 'task id differs from the logged-in task');
  if (task.state !== TaskState.WaitingDownload && task.state !== TaskState.Downloading) return fail(ERR_FINISHED, `state ${task.state}`);
  const count = segmentCount(task.fileSize);
  if (task.segmentsDone >= count) return fail(ERR_FINISHED, 'all data already sent');
  const offset = task.segmentsDone * SEGMENT_SIZE;
  if (req.offset !== offset) return fail(ERR_SEEK_OFFSET, `offset ${req.offset}, expected ${offset}`);
  const dl = task.download;
  if (!dl) return fail(ERR_READ_FILE, 'file not open');
  task.state = TaskState.Downloading;
  let data: Buffer;
  conn.busy = true;
  try {
    data = await dl.read(offset, segmentSize(task.fileSize, task.segmentsDone));
  } catch (err) {
    return fail(ERR_READ_FILE, `read failed: ${(err as Error).message}`);
  } finally {
    conn.busy = false;
  }
  if (conn.closed) return;
  task.segmentsDone++;
  task.lastActive = nowMs();
  conn.send(Cid.CID_FILE_PULL_DATA_RSP, encodeBody(IM.File.IMFilePullDataRsp, {
    resultCode: 0, taskId: task.taskId, userId: req.userId, offset, fileData: data,
  }), { seq });
  if (task.segmentsDone === count) sendDone(task, conn);
}
