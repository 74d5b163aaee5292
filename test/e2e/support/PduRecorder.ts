// A client connection that only sends raw bytes and records, in arrival order, every PDU the
// server sends it. TtClient hands PDUs to whichever waiter matches first, which loses the order in
// which different commands arrived; the fixture parity test needs exactly that order.
import * as net from 'node:net';
import { FrameReader } from '../../../src/pdu/FrameReader';
import type { Pdu } from '../../../src/pdu/Pdu';

interface CountWaiter {
  count: number;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class PduRecorder {
  /** Every PDU received, in the order it came off the socket; never consumed. */
  readonly log: Pdu[] = [];
  closed = false;
  readonly closedPromise: Promise<void>;
  private readonly frames: FrameReader;
  private readonly waiters: CountWaiter[] = [];

  private constructor(private readonly socket: net.Socket, maxPdu: number) {
    this.frames = new FrameReader((header, body) => { this.log.push({ header, body: Buffer.from(body) }); }, maxPdu);
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => { /* reported as close */ });
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`connection closed after ${this.log.length} PDUs, ${w.count} expected`));
        }
        resolve();
      });
    });
  }

  static connect(host: string, port: number, maxPdu = 64 * 1024 * 1024): Promise<PduRecorder> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      s.once('connect', () => { s.off('error', reject); resolve(new PduRecorder(s, maxPdu)); });
      s.once('error', reject);
    });
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Resolves once `count` PDUs in total have arrived; rejects on timeout or close before that. */
  waitForCount(count: number, timeoutMs: number): Promise<void> {
    if (this.log.length >= count) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error(`connection closed after ${this.log.length} PDUs, ${count} expected`));
    return new Promise((resolve, reject) => {
      const w: CountWaiter = {
        count, resolve, reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          reject(new Error(`timeout after ${timeoutMs} ms with ${this.log.length} PDUs, ${count} expected`));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  close(): Promise<void> {
    if (!this.closed) this.socket.destroy();
    return this.closedPromise;
  }

  private onData(d: Buffer): void {
    try {
      this.frames.push(d);
    } catch {
      // Bad framing from the server: record nothing more; the comparison reports what is missing.
      this.socket.destroy();
      return;
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (this.log.length >= w.count) {
        this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.resolve();
      }
    }
  }
}
