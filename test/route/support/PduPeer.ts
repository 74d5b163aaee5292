import * as net from 'node:net';
import { encodeFrame, EncodeOptions } from '../../../src/pdu/Pdu';
import { HEADER_LENGTH, PduHeader, readHeader } from '../../../src/pdu/header';

export interface ReceivedPdu {
  header: PduHeader;
  body: Buffer;
  /** The whole frame as it arrived. */
  frame: Buffer;
}

/**
 * A scripted peer speaking PDUs over a real socket: plays a msg_server towards route_server or
 * login_server, or a client towards login_server's binary port. Frames whatever arrives and hands
 * PDUs out in order through next().
 */
export class PduPeer {
  readonly received: ReceivedPdu[] = [];
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private endedFlag = false;
  readonly ended: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= HEADER_LENGTH) {
        const len = this.buf.readUInt32BE(0);
        if (this.buf.length < len) break;
        const frame = Buffer.from(this.buf.subarray(0, len));
        this.buf = this.buf.subarray(len);
        this.received.push({ header: readHeader(frame, 0, 1 << 30), body: frame.subarray(HEADER_LENGTH), frame });
      }
      this.wake();
    });
    socket.on('error', () => {});
    this.ended = new Promise((resolve) => socket.on('close', () => { this.endedFlag = true; this.wake(); resolve(); }));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<PduPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => { s.off('error', reject); resolve(new PduPeer(s)); });
      s.once('error', reject);
    });
  }

  get isEnded(): boolean { return this.endedFlag; }

  send(cid: number, body: Uint8Array, opts?: EncodeOptions): void {
    this.socket.write(encodeFrame(cid, body, opts));
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next PDU (optionally the next one with command `cid`, skipping heartbeats), or a timeout error. */
  async next(cid?: number, timeoutMs = 2000, accept: (p: ReceivedPdu) => boolean = () => true): Promise<ReceivedPdu> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex((p) => (cid === undefined ? p.header.commandId !== 0x0701 : p.header.commandId === cid) && accept(p));
      if (i >= 0) return this.received.splice(i, 1)[0]!;
      if (this.endedFlag) throw new Error(`connection ended while waiting for ${cid === undefined ? 'a PDU' : `cid 0x${cid.toString(16)}`}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${cid === undefined ? 'a PDU' : `cid 0x${cid.toString(16)}`}`);
      await this.wait(left);
    }
  }

  /** Resolves when the server closed the connection; rejects after the timeout. */
  async closedByServer(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.endedFlag) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for the server to close');
      await this.wait(left);
    }
  }

  /** Everything that is not a heartbeat received so far, emptied. */
  drain(): ReceivedPdu[] {
    const out = this.received.filter((p) => p.header.commandId !== 0x0701);
    this.received.length = 0;
    return out;
  }

  close(): void {
    this.socket.destroy();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.waiter = undefined; resolve(); }, ms);
      this.waiter = () => { clearTimeout(t); this.waiter = undefined; resolve(); };
    });
  }

  private wake(): void {
    this.waiter?.();
  }
}

/** Bytes from a fixture's hex. */
export const hex = (h: string): Buffer => Buffer.from(h, 'hex');
