import type { WorkKey } from './workKey';

/**
 * Messages between the I/O thread and the workers (db_proxy.md §2.6). The I/O thread owns every
 * socket; workers never touch one and address replies by connection id, which is never reused, so
 * a late reply cannot reach a newer, unrelated link (§2.3).
 */
export interface RequestMsg {
  t: 'req';
  connId: number;
  cid: number;
  seq: number;
  key: WorkKey;
  /** The protobuf body; transferred, not copied. */
  body: Uint8Array;
}

/** Finish taking work: the worker answers `drained` once everything queued has completed. */
export interface DrainMsg {
  t: 'drain';
}

/**
 * Requests (and answers) cross the thread boundary in batches, one postMessage per event-loop
 * turn instead of one per request: postMessage was a large share of both threads' CPU under chat load.
 */
export interface RequestBatch {
  t: 'reqs';
  list: RequestMsg[];
}

export type ToWorker = RequestBatch | DrainMsg;

/** Exactly one per request: the reply frame, or null for commands that have none. */
export interface DoneMsg {
  t: 'done';
  connId: number;
  cid: number;
  frame: Uint8Array | null;
}

export interface ReadyMsg {
  t: 'ready';
}

export interface DrainedMsg {
  t: 'drained';
}

export interface DoneBatch {
  t: 'dones';
  list: DoneMsg[];
}

export type FromWorker = DoneBatch | ReadyMsg | DrainedMsg;

/** What a worker needs to start: the parsed configuration and which worker it is. */
export interface WorkerInit {
  index: number;
  workers: number;
  config: import('./DbProxyConfig').DbProxyConfig;
}
