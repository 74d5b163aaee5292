import type { HistogramSnapshot } from './Histogram';
import type { Ranges } from './IntSet';

/** Where clients go: login_server's HTTP lookup per connection, or one msg_server directly. */
export type TargetSpec =
  | { kind: 'http'; url: string }
  | { kind: 'direct'; host: string; port: number };

/** What one connection does once everyone is logged in. Peers are global slot indexes. */
export type SendSpec =
  | { kind: 'single'; peerSlot: number }
  | { kind: 'group'; memberSlots: number[]; groupName: string };

export interface Slot {
  /** global index over all workers: the user ids come back in this order */
  index: number;
  name: string;
  localAddress?: string;
  send?: SendSpec;
}

export interface WorkerPlan {
  worker: number;
  target: TargetSpec;
  password: string;
  clientType: number;
  clientVersion: string;
  aesKey: string;
  /** logins started per second by this worker; 0 = as fast as the concurrency allows */
  loginRate: number;
  /** logins in progress at once in this worker */
  loginConcurrency: number;
  loginTimeoutMs: number;
  heartbeatMs: number;
  /** messages per second per sending connection */
  ratePerSender: number;
  /** closed loop: at most this many unacked messages per sender (0 = open loop, fixed rate) */
  window: number;
  /** plaintext size of each message in bytes (at least the header the receiver parses) */
  textBytes: number;
  /** also send CID_MSG_READ_ACK for every delivery (keeps unread counters bounded) */
  readAck: boolean;
  /** login_server lookup per login ('each', the default, like a real client) or once per worker */
  lookupMode?: 'each' | 'once';
  slots: Slot[];
}

/** Counters are deltas since the previous tick. */
export interface Counters {
  lookups: number;
  lookupFail: number;
  connected: number;
  loginOk: number;
  loginFail: number;
  sent: number;
  acked: number;
  delivered: number;
  duplicates: number;
  strayAcks: number;
  kicked: number;
  dropped: number;
  groupsCreated: number;
  groupCreateFail: number;
}

export function zeroCounters(): Counters {
  return {
    lookups: 0, lookupFail: 0, connected: 0, loginOk: 0, loginFail: 0, sent: 0, acked: 0, delivered: 0,
    duplicates: 0, strayAcks: 0, kicked: 0, dropped: 0, groupsCreated: 0, groupCreateFail: 0,
  };
}

export function addCounters(into: Counters, c: Counters): void {
  for (const k of Object.keys(into) as Array<keyof Counters>) into[k] += c[k];
}

export type HistName = 'lookup' | 'login' | 'ack' | 'deliver';
export const HIST_NAMES: readonly HistName[] = ['lookup', 'login', 'ack', 'deliver'];

export interface TickSample {
  worker: number;
  /** epoch ms at the end of the interval */
  at: number;
  counters: Counters;
  hist: Record<HistName, HistogramSnapshot>;
  /** this worker's CPU use over the interval, 1 = one full core */
  cpu: number;
  /** connections currently logged in */
  online: number;
}

/** Per sender: which of its message numbers were acked; per receiver and sender: which arrived. */
export interface WorkerReport {
  worker: number;
  acked: Array<{ from: number; session: number; group: boolean; sent: number; ranges: Ranges }>;
  received: Array<{ to: number; from: number; session: number; ranges: Ranges }>;
  /** messages still waiting for their ack when the report was taken */
  unacked: number;
  groups: Array<{ gid: number; senderUid: number; memberUids: number[] }>;
  /** "ip:port" of the msg_server each logged-in user landed on */
  servers: Record<string, number>;
  /** uid -> "ip:port" of its msg_server (mixed: do pairs cross msg_servers?) */
  userServer: Record<string, string>;
  errors: string[];
}

export type ToWorker =
  | { type: 'plan'; plan: WorkerPlan }
  /** start traffic; uids[i] is the user id of global slot i (0 = not logged in) */
  | { type: 'go'; uids: number[]; durationMs: number }
  | { type: 'report' }
  | { type: 'close'; logout: boolean };

export type FromWorker =
  | { type: 'tick'; sample: TickSample }
  | { type: 'loggedIn'; worker: number; uids: Array<[slot: number, uid: number]>; failed: number; reasons: Record<string, number> }
  | { type: 'sendDone'; worker: number }
  | { type: 'report'; report: WorkerReport }
  | { type: 'closed'; worker: number }
  | { type: 'fatal'; worker: number; error: string };
