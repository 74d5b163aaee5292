import type { CloseReason } from './Transport';

/**
 * Process-wide network counters: plain numbers bumped with `+= 1` where things happen (Conn and
 * the transports), read only when metrics are scraped (src/util/metrics.ts). Deliberately not
 * prom-client objects: the hot path must not pay for a label lookup per PDU.
 *
 * Per thread: a worker thread has its own copy of this module (db_proxy's workers own no sockets).
 */
export interface NetCounters {
  /** Connections accepted on any listener. */
  accepted: number;
  /** Outgoing connects started (links to other servers). */
  connects: number;
  /** Sockets closed, by the transport's close reason. */
  closed: Record<CloseReason, number>;
  /** Connections closed for a frame length outside 16..max (servers.md §1.5). */
  badFrames: number;
  /** Connections closed because a body did not decode (PduError from a handler). */
  malformedPdus: number;
  /** Handlers that threw or rejected with anything but a PduError (logged, connection kept). */
  handlerErrors: number;
  /** Commands with no handler (logged and dropped). */
  unknownCommands: number;
  /** Whole PDUs parsed and dispatched. */
  pdusIn: number;
  /** Writes of one or more whole PDUs through Conn.send/sendRaw. */
  pduWrites: number;
  /** Bytes read and written by the `net` transport (the native addon counts its own). */
  bytesIn: number;
  bytesOut: number;
}

export const netCounters: NetCounters = {
  accepted: 0,
  connects: 0,
  closed: { peer: 0, error: 0, 'slow-consumer': 0, local: 0, 'connect-failed': 0 },
  badFrames: 0,
  malformedPdus: 0,
  handlerErrors: 0,
  unknownCommands: 0,
  pdusIn: 0,
  pduWrites: 0,
  bytesIn: 0,
  bytesOut: 0,
};
