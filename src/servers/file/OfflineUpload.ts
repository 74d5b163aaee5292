import { IM } from '../../pdu/gen/im';
import { Cid } from '../../pdu/commands';
import { encodeBody } from '../../pdu/codec';
import { nowMs } from '../../util/clock';
import type { FileClientConn } from './FileClientConn';
import { segmentCount, segmentSize, SEGMENT_SIZE } from './OfflineStore';
import { MODE_OFFLINE, OfflineTask, ROLE_OFFLINE_UPLOAD, TaskState } from './TransferTask';

const FILE_CANCEL = 1; // IM.BaseDefine.ClientFileState.CLIENT_FILE_CANCEL
const FILE_DONE = 3; // IM.BaseDefine.ClientFileState.CLIENT_FILE_DONE

/** edge.md §1.9 step 2: only the task's sender, only in state 1; moves to 7. */
export function uploadLogin(task: OfflineTask, conn: FileClientConn, role: number, userId: number): string | undefined {
  if (role !== ROLE_OFFLINE_UPLOAD) return `role ${role} does not fit an offline upload`;
  if (userId !== task.fromUserId) return 'user is not the sender of this task';
  if (task.state !== TaskState.Ready) return `upload login in state ${task.state}`;
  task.state = TaskState.WaitingUpload;
  task.sender = conn;
  return undefined;
}

/** file_server pulls the uploader's segments itself, one at a time, with seq 0 (edge.md §1.9). */
function pullNext(task: OfflineTask, conn: FileClientConn): void {
  conn.send(Cid.CID_FILE_PULL_DATA_REQ, encodeBody(IM.File.IMFilePullDataReq, {
    taskId: task.taskId,
    userId: task.fromUserId,
    transMode: MODE_OFFLINE,
    offset: task.segmentsDone * SEGMENT_SIZE,
    dataSize: segmentSize(task.fileSize, task.segmentsDone),
  }));
}

/**
 * Rewrite (the original had no check): refuse an upload whose file would leave less than
 * `MinFreeDiskMB` free, before the first byte is pulled. Counting the whole file keeps a large
 * upload from filling the disk halfway through; concurrent uploads can still overcommit, and a
 * write that then fails is a storage failure like any other (CANCEL, partial file deleted).
 */
async function spaceProblem(task: OfflineTask, conn: FileClientConn): Promise<string | undefined> {
  const floor = conn.ctx.limits.minFreeDiskBytes;
  if (floor <= 0) return undefined;
  let free: number;
  try {
    free = await conn.ctx.store.freeBytes();
  } catch (err) {
    return `cannot read the free space of the store: ${(err as Error).message}`;
  }
  if (free - task.fileSize < floor) return `disk nearly full: ${free} bytes free, file ${task.fileSize}, MinFreeDiskMB floor ${floor} bytes`;
  return undefined;
}

/** Right after the login reply: the first pull, or (zero-byte file) the whole upload at once. */
export async function startUpload(task: OfflineTask, conn: FileClientConn): Promise<void> {
  conn.busy = true;
  let noSpace: string | undefined;
  try {
    noSpace = await spaceProblem(task, conn);
  } finally {
    conn.busy = false;
  }
  if (conn.closed || conn.task !== task) return; // the uploader left during the check
  if (noSpace) {
    refuseUpload(task, conn, noSpace);
    return;
  }
  if (task.fileSize > 0) {
    pullNext(task, conn);
    return;
  }
  // Original bug (edge.md §1.9 item 8): a zero-byte file was pulled forever. It is complete at once.
  conn.busy = true;
  try {
    await ensureFile(task, conn);
    await complete(task, conn);
  } catch (err) {
    // Like a failed segment: the uploader must hear CANCEL, not wait for a DONE that never comes.
    refuseUpload(task, conn, `storage failed: ${(err as Error).message}`);
  } finally {
    conn.busy = false;
  }
}

async function ensureFile(task: OfflineTask, conn: FileClientConn): Promise<void> {
  if (task.upload) return;
  task.createTime = Math.floor(Date.now() / 1000);
  const up = await conn.ctx.store.createUpload({
    taskId: task.taskId, fromUserId: task.fromUserId, toUserId: task.toUserId,
    createTime: task.createTime, fileName: task.fileName, fileSize: task.fileSize,
  });
  if (conn.closed || conn.task !== task) {
    // The uploader went away while the file was being created: nothing may stay behind.
    await up.abort();
    throw new Error('uploader left while the file was being created');
  }
  task.upload = up;
  if (task.state === TaskState.WaitingUpload) task.state = TaskState.Uploading;
}

async function complete(task: OfflineTask, conn: FileClientConn): Promise<void> {
  const up = task.upload;
  if (!up) return;
  await up.finish();
  task.upload = undefined;
  task.state = TaskState.UploadEnd;
  conn.ctx.log.info({ taskId: task.taskId, from: task.fromUserId, to: task.toUserId, size: task.fileSize }, 'offline file stored');
  // The file lives on disk from now on; a download login reloads it from there (edge.md §1.11).
  conn.ctx.tasks.delete(task);
  conn.send(Cid.CID_FILE_STATE, encodeBody(IM.File.IMFileState, { state: FILE_DONE, taskId: task.taskId, userId: task.fromUserId }));
  conn.finish(nowMs());
}

/** Tell the uploader the upload is off, then close (leaveTask deletes the partial file). */
export function refuseUpload(task: OfflineTask, conn: FileClientConn, why: string): void {
  conn.ctx.log.warn({ conn: conn.id, peer: `${conn.peerIp}:${conn.peerPort}`, taskId: task.taskId, why }, 'offline upload refused; closing');
  conn.send(Cid.CID_FILE_STATE, encodeBody(IM.File.IMFileState, { state: FILE_CANCEL, taskId: task.taskId, userId: task.fromUserId }));
  conn.finish(nowMs());
}

/**
 * One segment from the uploader (edge.md §1.9 steps 3–5). Rewrite: `file_data` must be exactly the
 * segment asked for (the original wrote the expected size whatever arrived, leaking memory into
 * the file or cutting data).
 */
export async function storeSegment(task: OfflineTask, conn: FileClientConn, rsp: IM.File.IMFilePullDataRsp): Promise<void> {
  const expectOffset = task.segmentsDone * SEGMENT_SIZE;
  const expectSize = segmentSize(task.fileSize, task.segmentsDone);
  let problem: string | undefined;
  if (conn.busy) problem = 'segment sent before the previous one was stored';
  else if (rsp.userId !== conn.userId || rsp.userId !== task.fromUserId) problem = 'user is not the uploader';
  else if (rsp.taskId !== task.taskId) problem = 'task id differs from the logged-in task';
  else if (task.state !== TaskState.WaitingUpload && task.state !== TaskState.Uploading) problem = `state ${task.state}`;
  else if (task.segmentsDone >= segmentCount(task.fileSize)) problem = 'more segments than the file has';
  else if (rsp.offset !== expectOffset) problem = `offset ${rsp.offset}, expected ${expectOffset}`;
  else if (rsp.fileData.length !== expectSize) problem = `segment of ${rsp.fileData.length} bytes, expected ${expectSize}`;
  if (problem) {
    refuseUpload(task, conn, problem);
    return;
  }
  conn.busy = true;
  try {
    await ensureFile(task, conn);
    const up = task.upload;
    if (!up) throw new Error('upload was aborted');
    await up.write(rsp.fileData, expectOffset);
    task.segmentsDone++;
    task.lastActive = nowMs();
  } catch (err) {
    refuseUpload(task, conn, `storage failed: ${(err as Error).message}`);
    return;
  } finally {
    conn.busy = false;
  }
  if (conn.closed) return; // leaveTask has already thrown the partial file away
  if (task.segmentsDone < segmentCount(task.fileSize)) {
    pullNext(task, conn);
    return;
  }
  try {
    await complete(task, conn);
  } catch (err) {
    refuseUpload(task, conn, `storage failed: ${(err as Error).message}`);
  }
}
