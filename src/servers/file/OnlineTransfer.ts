import { IM } from '../../pdu/gen/im';
import { Cid } from '../../pdu/commands';
import { encodeBody } from '../../pdu/codec';
import { encodeFrame } from '../../pdu/Pdu';
import type { Pdu } from '../../pdu/Pdu';
import type { FileClientConn } from './FileClientConn';
import { OnlineTask, ROLE_REALTIME_RECVER, ROLE_REALTIME_SENDER, TaskState } from './TransferTask';

const PEER_READY = 0; // IM.BaseDefine.ClientFileState.CLIENT_FILE_PEER_READY

/**
 * Online login (edge.md §1.8 step 1): the first side moves the task 1 → 3 (sender) or 1 → 2
 * (receiver); the other side completes it to 4. Returns why a login is refused, or undefined after
 * binding `conn` to its slot.
 */
export function onlineLogin(task: OnlineTask, conn: FileClientConn, role: number, userId: number): string | undefined {
  if (role === ROLE_REALTIME_SENDER) {
    if (userId !== task.fromUserId) return 'user is not the sender of this task';
    if (task.state === TaskState.Ready) task.state = TaskState.WaitingReceiver;
    else if (task.state === TaskState.WaitingSender) task.state = TaskState.WaitingTransfer;
    else return `sender login in state ${task.state}`;
    task.sender = conn;
    return undefined;
  }
  if (role === ROLE_REALTIME_RECVER) {
    if (userId !== task.toUserId) return 'user is not the receiver of this task';
    if (task.state === TaskState.Ready) task.state = TaskState.WaitingSender;
    else if (task.state === TaskState.WaitingReceiver) task.state = TaskState.WaitingTransfer;
    else return `receiver login in state ${task.state}`;
    task.receiver = conn;
    return undefined;
  }
  return `role ${role} does not fit an online task`;
}

/** edge.md §1.8 step 2: once both are in, the receiver (only) is told to start pulling. */
export function afterOnlineLogin(task: OnlineTask): void {
  if (task.state !== TaskState.WaitingTransfer || !task.receiver) return;
  task.receiver.send(Cid.CID_FILE_STATE, encodeBody(IM.File.IMFileState, {
    state: PEER_READY, taskId: task.taskId, userId: task.fromUserId,
  }));
}

/** Checks of edge.md §1.8 steps 3–4 shared by the pull request and the data reply. */
function relayProblem(task: OnlineTask, conn: FileClientConn, taskId: string, userId: number, side: 'sender' | 'receiver'): string | undefined {
  if (userId !== conn.userId) return 'user id differs from the logged-in user';
  if (taskId !== task.taskId) return 'task id differs from the logged-in task';
  const expected = side === 'sender' ? task.fromUserId : task.toUserId;
  if (userId !== expected) return `user is not the task's ${side}`;
  if (task.state !== TaskState.WaitingTransfer && task.state !== TaskState.Transferring) return `state ${task.state}`;
  return undefined;
}

/**
 * Receiver pulls a block: remember the seq, forward the whole PDU unchanged to the sender.
 * Returns why it was refused, if it was.
 */
export function relayPullRequest(task: OnlineTask, conn: FileClientConn, pdu: Pdu, req: IM.File.IMFilePullDataReq): string | undefined {
  const problem = relayProblem(task, conn, req.taskId, req.userId, 'receiver');
  if (problem) return problem;
  const sender = task.sender;
  if (!sender || sender.closed) return 'sender is not connected';
  task.state = TaskState.Transferring;
  task.lastPullSeq = pdu.header.seq;
  const h = pdu.header;
  sender.relay(encodeFrame(h.commandId, pdu.body, { seq: h.seq, version: h.version, flag: h.flag, reserved: h.reserved }), conn);
  return undefined;
}

/**
 * Sender answers with data: forward to the receiver with the seq of the latest pull (the original's
 * seq rewrite, which the Mac client depends on).
 */
export function relayPullResponse(task: OnlineTask, conn: FileClientConn, pdu: Pdu, rsp: IM.File.IMFilePullDataRsp): string | undefined {
  const problem = relayProblem(task, conn, rsp.taskId, rsp.userId, 'sender');
  if (problem) return problem;
  const receiver = task.receiver;
  if (!receiver || receiver.closed) return 'receiver is not connected';
  task.state = TaskState.Transferring;
  const h = pdu.header;
  receiver.relay(encodeFrame(h.commandId, pdu.body, { seq: task.lastPullSeq, version: h.version, flag: h.flag, reserved: h.reserved }), conn);
  return undefined;
}
