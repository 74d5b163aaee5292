import type { FileClientConn } from './FileClientConn';
import type { FileContext } from './FileContext';
import { nowMs } from '../../util/clock';
import { MODE_ONLINE, OfflineTask, TaskState, TransferTask } from './TransferTask';

/**
 * A client connection bound to `task` has closed (peer close, timeout, or closed by us):
 * edge.md §1.12, with the original's leaks fixed.
 */
export function leaveTask(ctx: FileContext, conn: FileClientConn, task: TransferTask): void {
  task.detach(conn);
  if (task.mode === MODE_ONLINE) {
    // The other side notices on its next tick and is closed too (FileClientConn.onTick).
    task.state = TaskState.Invalid;
    if (task.idle) ctx.tasks.delete(task);
    return;
  }
  const t = task as OfflineTask;
  if (t.download) {
    const dl = t.download;
    t.download = undefined;
    dl.close().catch((err: unknown) => ctx.log.warn({ taskId: t.taskId, err: (err as Error).message }, 'closing a download file failed'));
    ctx.tasks.delete(t);
    return;
  }
  if (t.state === TaskState.WaitingUpload) {
    // Original bug: a task left in state 7 accepted no login ever again. Back to ready: the uploader
    // may log in again, and the sweep removes the task if nobody does within TaskTimeout.
    t.state = TaskState.Ready;
    t.lastActive = nowMs();
    return;
  }
  if (t.upload) {
    // Rewrite (edge.md §1.15): a broken upload cannot be resumed, so its partial file is deleted
    // at once instead of filling the disk forever.
    const up = t.upload;
    t.upload = undefined;
    ctx.log.info({ taskId: t.taskId, segments: t.segmentsDone }, 'upload aborted; partial file deleted');
    up.abort().catch((err: unknown) => ctx.log.warn({ taskId: t.taskId, err: (err as Error).message }, 'deleting a partial upload failed'));
  }
  ctx.tasks.delete(t);
}
