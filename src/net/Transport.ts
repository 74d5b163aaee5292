/**
 * The seam between the socket owner (the native epoll addon, or Node's `net` for comparison and
 * fallback) and the TypeScript connection objects. A transport owns sockets and buffers; a
 * ConnSink (normally a Conn) owns everything above bytes.
 *
 * Connection ids are generation-tagged numbers: a closed id is never handed out again, even though
 * the kernel reuses file descriptors at once.
 */

import type { EncodeOptions } from '../pdu/Pdu';

export type CloseReason =
  | 'peer'          // orderly close (EOF) from the other side
  | 'error'         // socket error; errno says which
  | 'slow-consumer' // output queue went over the cap
  | 'local'         // we called close()
  | 'connect-failed';

export interface ConnSink {
  /** Outgoing connects only: 0 when established, else the errno (ECONNREFUSED, ...). */
  onConnect?(errno: number): void;
  /** Bytes are valid only during this call: copy what you keep. */
  onData(buf: Buffer, offset: number, length: number): void;
  /** The output queue drained after a write could not be completed at once. */
  onDrain?(): void;
  /** Exactly once per connection, never for a close() the sink itself issued... except it is: see Conn. */
  onClose(reason: CloseReason, errno: number): void;
}

export interface AcceptInfo {
  id: number;
  peerIp: string;
  peerPort: number;
}

export interface Listener {
  readonly host: string;
  readonly port: number;
  close(): void;
}

export interface Transport {
  readonly kind: 'native' | 'net';
  /** Listen; `onAccept` returns the sink for the new connection. Rejects with the errno on failure. */
  listen(host: string, port: number, onAccept: (info: AcceptInfo) => ConnSink, backlog?: number): Promise<Listener>;
  /** Start a non-blocking connect. The result arrives in sink.onConnect (or onClose on failure). */
  connect(host: string, port: number, sink: ConnSink, opts?: ConnectOptions): number;
  /** Queue bytes; coalesced and flushed at the end of the current batch. False if the id is gone. */
  write(id: number, data: Uint8Array): boolean;
  /** write() of the frame encodeFrame(commandId, body, opts) would build, without building it. */
  writeFrame(id: number, commandId: number, body: Uint8Array, opts?: EncodeOptions): boolean;
  /**
   * The same bytes to the first `count` (default all) of `ids`, as write() to each: unknown or
   * closed ids are skipped, a connection over the output cap is closed as a slow consumer (its
   * sink hears onClose before this returns). Returns how many connections queued the bytes. The
   * native transport crosses into C++ once per call, which is what makes broadcasts cheap.
   */
  writeMany(ids: ArrayLike<number>, data: Uint8Array, count?: number): number;
  /** Close now; the sink's onClose runs with reason 'local'. Idempotent. */
  close(id: number): void;
  pause(id: number): void;
  resume(id: number): void;
  /** Bytes queued but not yet taken by the kernel. */
  queued(id: number): number;
  /**
   * Monotonic milliseconds for stamping reads and sends (Conn.lastRecv/lastSend). Inside a native
   * readiness batch this is the time the batch started, read once, not once per connection.
   */
  now(): number;
}

export interface ConnectOptions {
  /** IPv4 source address to bind before connecting (e.g. 127.0.0.2 to spread ephemeral ports). */
  localAddress?: string;
}

export interface TransportOptions {
  /** Per-connection output cap before the connection is closed as a slow consumer. */
  maxQueueBytes?: number;
}

export const DEFAULT_MAX_QUEUE_BYTES = 8 * 1024 * 1024;
