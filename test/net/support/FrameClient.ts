import * as net from 'node:net';
import { HEADER_LENGTH, peekLength, readHeader } from '../../../src/pdu/header';
import { encodeFrame } from '../../../src/pdu/Pdu';

/** A plain node:net client that splits what it receives into frames (independent of the server's code paths). */
export class FrameClient {
  readonly frames: Buffer[] = [];
  closed = false;
  private pending = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  readonly closedP: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.pending = Buffer.concat([this.pending, d]);
      while (this.pending.length >= HEADER_LENGTH && this.pending.length >= peekLength(this.pending, 0)) {
        const len = peekLength(this.pending, 0);
        this.frames.push(Buffer.from(this.pending.subarray(0, len)));
        this.pending = this.pending.subarray(len);
      }
      this.wake();
    });
    socket.on('error', () => { /* surfaces as close */ });
    this.closedP = new Promise((r) => socket.on('close', () => { this.closed = true; this.wake(); r(); }));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<FrameClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host, noDelay: true });
      s.once('connect', () => { s.off('error', reject); resolve(new FrameClient(s)); });
      s.once('error', reject);
    });
  }

  send(bytes: Uint8Array): void { this.socket.write(bytes); }

  /** Wait until `n` frames have arrived in total (or the socket closed). */
  async waitFrames(n: number, ms = 5000): Promise<Buffer[]> {
    const deadline = Date.now() + ms;
    while (this.frames.length < n && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} frames, got ${this.frames.length}`);
      await new Promise<void>((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
    return this.frames.slice(0, n);
  }

  destroy(): void { this.socket.destroy(); }

  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }
}

export function frame(cid: number, body: Uint8Array | string, seq = 0): Buffer {
  return encodeFrame(cid, typeof body === 'string' ? Buffer.from(body) : body, { seq });
}

export function headerOf(f: Buffer): ReturnType<typeof readHeader> {
  return readHeader(f, 0, 1 << 30);
}
