import type { FileClientConn } from './FileClientConn';
import type { DownloadFile, UploadFile } from './OfflineStore';

/** edge.md §1.5: task states, numbered as in the original (6, 12 and 13 are never entered). */
export enum TaskState {
  Invalid = 0,
  Ready = 1,
  WaitingSender = 2,
  WaitingReceiver = 3,
  WaitingTransfer = 4,
  Transferring = 5,
  WaitingUpload = 7,
  Uploading = 8,
  UploadEnd = 9,
  WaitingDownload = 10,
  Downloading = 11,
}

/** IM.BaseDefine.TransferFileType */
export const MODE_ONLINE = 1;
export const MODE_OFFLINE = 2;

/** IM.BaseDefine.ClientFileRole */
export const ROLE_REALTIME_SENDER = 1;
export const ROLE_REALTIME_RECVER = 2;
export const ROLE_OFFLINE_UPLOAD = 3;
export const ROLE_OFFLINE_DOWNLOAD = 4;

export interface TaskParams {
  taskId: string;
  fromUserId: number;
  toUserId: number;
  fileName: string;
  fileSize: number;
}

/**
 * One transfer (edge.md §1.5): who sends what to whom, where it stands, and the one client
 * connection per side. Lives in memory only; an offline file outlives its task on disk.
 */
export abstract class TransferTask {
  abstract readonly mode: number;
  state: TaskState = TaskState.Ready;
  readonly taskId: string;
  readonly fromUserId: number;
  readonly toUserId: number;
  readonly fileName: string;
  readonly fileSize: number;
  /** Monotonic ms of the last login or data; the sweep expires tasks nobody uses (edge.md §1.15). */
  lastActive: number;
  sender: FileClientConn | undefined;
  receiver: FileClientConn | undefined;

  constructor(p: TaskParams, now: number) {
    this.taskId = p.taskId;
    this.fromUserId = p.fromUserId;
    this.toUserId = p.toUserId;
    this.fileName = p.fileName;
    this.fileSize = p.fileSize;
    this.lastActive = now;
  }

  get idle(): boolean {
    return this.sender === undefined && this.receiver === undefined;
  }

  /** The connection of the other side than `conn`. */
  peerOf(conn: FileClientConn): FileClientConn | undefined {
    if (conn === this.sender) return this.receiver;
    if (conn === this.receiver) return this.sender;
    return undefined;
  }

  detach(conn: FileClientConn): void {
    if (this.sender === conn) this.sender = undefined;
    if (this.receiver === conn) this.receiver = undefined;
  }
}

/** Both clients connected at once; file_server only relays (edge.md §1.8). */
export class OnlineTask extends TransferTask {
  readonly mode = MODE_ONLINE;
  /** Seq of the receiver's latest pull: stamped on relayed data (the Mac client matches by seq). */
  lastPullSeq = 0;
}

/** Stored on file_server's disk by the sender, fetched later by the receiver (edge.md §1.9, §1.11). */
export class OfflineTask extends TransferTask {
  readonly mode = MODE_OFFLINE;
  /** Upload: segments stored so far; download: segments served so far. */
  segmentsDone = 0;
  upload: UploadFile | undefined;
  download: DownloadFile | undefined;
  /** Unix seconds of the first stored segment (header field). */
  createTime = 0;
}
