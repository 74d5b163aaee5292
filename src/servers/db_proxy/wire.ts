import type { WorkKey } from './workKey';

/**
 * Messages between the I/O thread and the workers (db_proxy.md §2.6). The I/O thread owns every
 * socket; workers never touch one and address replies by connection id, which is never reused, so
 * a late reply cannot reach a newer, unrelated link (§2.3).
 */
export interface RequestMsg {
  connId: number;
  cid: number;
  seq: number;
  key: WorkKey;
  /** The protobuf body: a view into its batch's buffer, owned by the worker. */
  body: Uint8Array;
}

/** Finish taking work: the worker answers `drained` once everything queued has completed. */
export interface DrainMsg {
  t: 'drain';
}

/**
 * Requests (and answers) cross the thread boundary in batches, one postMessage per event-loop
 * turn with every body packed into ONE transferred buffer: a postMessage, and each transferred
 * buffer, per request were a large share of both threads' CPU under chat load.
 */
export interface RequestBatch {
  t: 'reqs';
  /** Per request: connId, cid, seq, body length. */
  meta: number[];
  keys: WorkKey[];
  /** The bodies back to back. */
  bodies: Uint8Array;
}

/** Numbers per request in RequestBatch.meta, per answer in DoneBatch.meta. */
export const REQ_META = 4;
export const DONE_META = 3;

export type ToWorker = RequestBatch | DrainMsg;

/** Exactly one per request: the reply frame, or null for commands that have none. */
export interface DoneMsg {
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
  /** Per answer: connId, cid, frame length (-1: no reply frame). */
  meta: number[];
  /** The frames back to back. */
  frames: Uint8Array;
}

/** Pack byte arrays back to back into one fresh buffer (which can then be transferred). */
export function pack(parts: Array<Uint8Array | null>, total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    if (!p) continue;
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export type FromWorker = DoneBatch | ReadyMsg | DrainedMsg;

/** What a worker needs to start: the parsed configuration and which worker it is. */
export interface WorkerInit {
  index: number;
  workers: number;
  config: import('./DbProxyConfig').DbProxyConfig;
}
