import type { CloseReason, ConnSink, Transport } from './Transport';
import type { Pdu, EncodeOptions } from '../pdu/Pdu';
import { HEADER_LENGTH, peekLength, readHeader } from '../pdu/header';
import { PduError } from '../pdu/PduError';
import type { HandlerTable } from './HandlerTable';
import type { Logger } from '../util/log';
import { nowMs } from '../util/clock';
import { copyOut } from '../util/bytes';
import { netCounters } from './netCounters';

/** protocol.md §1.5 Rewrite: the maxima we enforce. */
export const MAX_CLIENT_PDU = 4 * 1024 * 1024;
export const MAX_LINK_PDU = 64 * 1024 * 1024;

/** servers.md §1.9: when to send a heartbeat (if nothing was sent) and when to give up (if nothing arrived). */
export interface HeartbeatPolicy {
  /** Send CID_OTHER_HEARTBEAT when nothing was sent for this long; 0 = never (client ports). */
  sendAfterMs: number;
  /** Close when nothing was received for this long; 0 = never. */
  timeoutMs: number;
}

export const LINK_HEARTBEAT: HeartbeatPolicy = { sendAfterMs: 5_000, timeoutMs: 30_000 };
export const PC_CLIENT_HEARTBEAT: HeartbeatPolicy = { sendAfterMs: 0, timeoutMs: 120_000 };
export const MOBILE_CLIENT_HEARTBEAT: HeartbeatPolicy = { sendAfterMs: 0, timeoutMs: 300_000 };

const CID_OTHER_HEARTBEAT = 0x0701;
const EMPTY = Buffer.alloc(0);

export interface ConnOptions {
  maxPduLength: number;
  heartbeat: HeartbeatPolicy;
  log: Logger;
}

/**
 * Base of every PDU connection. Frames bytes into PDUs across arbitrary read boundaries, dispatches
 * them through the subclass's handler table, sends frames, and keeps the two timestamps heartbeats
 * and timeouts are decided on (servers.md §1.8). Bad framing closes this connection only.
 */
export abstract class Conn implements ConnSink {
  id = 0;
  peerIp = '';
  peerPort = 0;
  closed = false;
  lastRecv: number;
  lastSend: number;
  bytesIn = 0;
  heartbeat: HeartbeatPolicy;
  readonly maxPduLength: number;
  protected readonly log: Logger;
  /** The first bytes (fewer than a header) of a frame carried over between reads. */
  private pending: Buffer = EMPTY;
  /** A frame whose header arrived but not all of its body: its final-size buffer and how full it is. */
  private partial: Buffer | undefined = undefined;
  private partialFill = 0;
  private closeNotified = false;
  private closedHook: ((reason: CloseReason, errno: number) => void) | undefined;

  constructor(readonly transport: Transport, opts: ConnOptions) {
    this.maxPduLength = opts.maxPduLength;
    this.heartbeat = opts.heartbeat;
    this.log = opts.log;
    this.lastRecv = this.lastSend = nowMs();
  }

  /** The table this connection dispatches through. */
  protected abstract get handlers(): HandlerTable<this>;

  /** Called once, after the socket is gone. Subclasses clean up server state here. */
  protected onClosed(_reason: CloseReason, _errno: number): void {}

  /** A command with no handler: logged and dropped, like the original (protocol.md §1.5). */
  protected onUnknown(pdu: Pdu): void {
    this.log.warn({ conn: this.id, cid: pdu.header.commandId }, 'no handler for command; dropped');
  }

  // ---- ConnSink ----

  onData(buf: Buffer, offset: number, length: number): void {
    this.lastRecv = this.transport.now();
    this.bytesIn += length;
    let pos = offset;
    const end = offset + length;
    if (this.pending.length > 0 || this.partial !== undefined) {
      pos = this.continueFrame(buf, pos, end);
      if (this.closed || pos === end) return;
    }
    while (!this.closed && end - pos >= HEADER_LENGTH) {
      const len = peekLength(buf, pos);
      if (len < HEADER_LENGTH || len > this.maxPduLength) { this.badFrame(buf, pos); return; }
      if (end - pos < len) break;
      this.emitFrame(buf, pos, len, true);
      pos += len;
    }
    if (this.closed || pos === end) return;
    if (end - pos >= HEADER_LENGTH) {
      // A frame that continues in later reads: one buffer of its final size, filled in place, so
      // a large PDU over many reads costs one copy of each byte (not a concat per read).
      const len = peekLength(buf, pos);
      this.partial = Buffer.allocUnsafe(len);
      this.partialFill = buf.copy(this.partial, 0, pos, end);
    } else {
      this.pending = Buffer.from(buf.subarray(pos, end));
    }
  }

  /** Feed the carried-over frame; returns where the next frame starts (end when all was used). */
  private continueFrame(buf: Buffer, pos: number, end: number): number {
    if (this.partial === undefined) {
      // Not even the header yet: at most 15 bytes are carried, so concat is cheap here.
      const take = Math.min(HEADER_LENGTH - this.pending.length, end - pos);
      const head = Buffer.concat([this.pending, buf.subarray(pos, pos + take)]);
      pos += take;
      if (head.length < HEADER_LENGTH) { this.pending = head; return end; }
      this.pending = EMPTY;
      const len = peekLength(head, 0);
      if (len < HEADER_LENGTH || len > this.maxPduLength) { this.badFrame(head, 0); return end; }
      this.partial = Buffer.allocUnsafe(len);
      this.partialFill = head.copy(this.partial, 0);
    }
    const frame = this.partial;
    const take = Math.min(frame.length - this.partialFill, end - pos);
    this.partialFill += buf.copy(frame, this.partialFill, pos, pos + take);
    pos += take;
    if (this.partialFill < frame.length) return end;
    this.partial = undefined;
    this.partialFill = 0;
    this.emitFrame(frame, 0, frame.length, false);
    return pos;
  }

  /** One whole frame at data[pos, pos+len). `shared`: data is the transport's buffer (copy the body). */
  private emitFrame(data: Buffer, pos: number, len: number, shared: boolean): void {
    const header = readHeader(data, pos, this.maxPduLength);
    let body: Buffer;
    if (shared) {
      // Copy the body out: the read buffer belongs to the transport and is reused after this call.
      body = copyOut(data, pos + HEADER_LENGTH, pos + len);
    } else {
      body = data.subarray(pos + HEADER_LENGTH, pos + len); // our own frame buffer
    }
    netCounters.pdusIn += 1;
    this.dispatch({ header, body });
  }

  private badFrame(data: Buffer, pos: number): void {
    let err: PduError;
    try { readHeader(data, pos, this.maxPduLength); err = new PduError('short-header', 'unreachable'); }
    catch (e) { err = e as PduError; }
    this.log.warn({ conn: this.id, peer: `${this.peerIp}:${this.peerPort}`, reason: err.reason, err: err.message }, 'bad frame; closing connection');
    netCounters.badFrames += 1;
    this.close();
  }

  onClose(reason: CloseReason, errno: number): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.closed = true;
    this.pending = EMPTY;
    this.partial = undefined;
    this.onClosed(reason, errno);
    this.closedHook?.(reason, errno);
  }

  /** One observer of the close, for the table that owns this connection (see ConnGroup). */
  whenClosed(hook: (reason: CloseReason, errno: number) => void): void {
    this.closedHook = hook;
  }

  onConnect(_errno: number): void {}

  onDrain(): void {}

  // ---- dispatch ----

  protected dispatch(pdu: Pdu): void {
    const h = this.handlers.get(pdu.header.commandId);
    if (!h) { netCounters.unknownCommands += 1; this.onUnknown(pdu); return; }
    try {
      const r = h(this, pdu);
      if (r && typeof (r as Promise<void>).then === 'function') {
        (r as Promise<void>).catch((err: unknown) => this.onHandlerError(pdu, err));
      }
    } catch (err) {
      this.onHandlerError(pdu, err);
    }
  }

  /** A body that is not valid protobuf is garbage: close (protocol.md §1.5 Rewrite). Anything else: log. */
  protected onHandlerError(pdu: Pdu, err: unknown): void {
    if (err instanceof PduError) {
      this.log.warn({ conn: this.id, cid: pdu.header.commandId, reason: err.reason, err: err.message }, 'malformed PDU; closing connection');
      netCounters.malformedPdus += 1;
      this.close();
      return;
    }
    netCounters.handlerErrors += 1;
    this.log.error({ conn: this.id, cid: pdu.header.commandId, err }, 'handler failed');
  }

  // ---- sending ----

  /** Send a frame built from an encoded body. */
  send(commandId: number, body: Uint8Array, opts?: EncodeOptions): boolean {
    if (this.closed) return false;
    this.lastSend = this.transport.now();
    netCounters.pduWrites += 1;
    return this.transport.writeFrame(this.id, commandId, body, opts);
  }

  /** Send bytes that already are one or more whole frames. */
  sendRaw(frame: Uint8Array): boolean {
    if (this.closed) return false;
    this.lastSend = this.transport.now();
    netCounters.pduWrites += 1;
    return this.transport.write(this.id, frame);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true; // stop parsing the rest of this read at once (servers.md §1.5 Rewrite)
    // Transport.close synchronously calls onClose('local'), which runs onClosed exactly once.
    this.transport.close(this.id);
  }

  /** Driven once a second by the shared Ticker (never a timer per connection). */
  onTick(now: number): void {
    if (this.closed) return;
    const hb = this.heartbeat;
    if (hb.timeoutMs > 0 && now - this.lastRecv > hb.timeoutMs) {
      this.log.info({ conn: this.id, peer: `${this.peerIp}:${this.peerPort}`, idleMs: now - this.lastRecv }, 'timeout: nothing received; closing');
      this.close();
      return;
    }
    if (hb.sendAfterMs > 0 && now - this.lastSend > hb.sendAfterMs) this.sendHeartbeat();
  }

  protected sendHeartbeat(): void {
    this.send(CID_OTHER_HEARTBEAT, EMPTY);
  }
}
