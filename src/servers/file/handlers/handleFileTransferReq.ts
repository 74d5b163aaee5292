import { IM } from '../../../pdu/gen/im';
import { Cid } from '../../../pdu/commands';
import { decodeBody, encodeBody } from '../../../pdu/codec';
import type { Pdu } from '../../../pdu/Pdu';
import { nowMs } from '../../../util/clock';
import { fileNameProblem } from '../FileName';
import type { MsgLinkConn } from '../MsgLinkConn';
import { TaskTableFullError } from '../TaskTable';
import { MODE_OFFLINE, MODE_ONLINE } from '../TransferTask';

/**
 * CID_OTHER_FILE_TRANSFER_REQ from msg_server (edge.md §1.6): create a task and answer with the same
 * seq, everything echoed plus the new task id. Original bug: a failed creation closed the whole
 * msg_server link; here it is answered with result 1 and the link stays. An offline file over
 * `MaxOfflineFileBytes` is refused the same way.
 */
export function handleFileTransferReq(conn: MsgLinkConn, pdu: Pdu): void {
  const req = decodeBody(IM.Server.IMFileTransferReq, pdu, Cid.CID_OTHER_FILE_TRANSFER_REQ);
  const ctx = conn.ctx;
  const mode = req.transMode as number;
  const echo = {
    fromUserId: req.fromUserId,
    toUserId: req.toUserId,
    fileName: req.fileName,
    fileSize: req.fileSize,
    transMode: req.transMode,
    ...(req.attachData && req.attachData.length > 0 ? { attachData: req.attachData } : {}),
  };
  const answer = (resultCode: number, taskId: string): void => {
    conn.send(Cid.CID_OTHER_FILE_TRANSFER_RSP, encodeBody(IM.Server.IMFileTransferRsp, { resultCode, taskId, ...echo }), { seq: pdu.header.seq });
  };

  let why: string | undefined;
  if (mode !== MODE_ONLINE && mode !== MODE_OFFLINE) why = `transfer mode ${mode}`;
  else if (mode === MODE_OFFLINE && req.fileSize > ctx.limits.maxFileBytes) {
    // Rewrite: the original stored any uint32 size. Refused here, before the sender uploads a byte.
    why = `file of ${req.fileSize} bytes is over MaxOfflineFileBytes (${ctx.limits.maxFileBytes})`;
  } else why = fileNameProblem(req.fileName);
  if (why) {
    ctx.log.warn({ from: req.fromUserId, to: req.toUserId, fileName: req.fileName.slice(0, 100), why }, 'file transfer request refused');
    answer(1, '');
    return;
  }
  try {
    const task = ctx.tasks.create(mode, { fromUserId: req.fromUserId, toUserId: req.toUserId, fileName: req.fileName, fileSize: req.fileSize }, nowMs());
    ctx.log.info({ taskId: task.taskId, from: req.fromUserId, to: req.toUserId, size: req.fileSize, mode }, 'file task created');
    answer(0, task.taskId);
  } catch (err) {
    if (!(err instanceof TaskTableFullError)) throw err;
    ctx.log.warn({ err: err.message }, 'file transfer request refused');
    answer(1, '');
  }
}
