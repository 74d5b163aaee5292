import * as net from 'node:net';
import { encodeFrame } from '../../../src/pdu/Pdu';
import type { EncodeOptions } from '../../../src/pdu/Pdu';
import { readHeader, HEADER_LENGTH } from '../../../src/pdu/header';
import type { PduHeader } from '../../../src/pdu/header';

export interface RawPdu {
  header: PduHeader;
  body: Buffer;
}

/**
 * A scripted peer over a real TCP socket: sends frames, queues every frame it receives, and tells
 * when the server closed the connection. Every wait is bounded so a broken server fails the test
 * instead of hanging it.
 */
export class PduClient {
  private readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private readonly queue: RawPdu[] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => { this.closed = true; this.wake(); resolve(); });
    });
    socket.on('error', () => { /* the close event follows */ });
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= HEADER_LENGTH) {
        const header = readHeader(this.buf, 0, 0xffffffff);
        if (this.buf.length < header.length) break;
        this.queue.push({ header, body: Buffer.from(this.buf.subarray(HEADER_LENGTH, header.length)) });
        this.buf = this.buf.subarray(header.length);
      }
      this.wake();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<PduClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => { s.off('error', reject); resolve(new PduClient(s)); });
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  send(commandId: number, body: Uint8Array, opts?: EncodeOptions): void {
    this.socket.write(encodeFrame(commandId, body, opts));
  }

  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next frame (of `commandId` if given; others before it are an error). */
  async next(commandId?: number, timeoutMs = 5000): Promise<RawPdu> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.queue.shift();
      if (p) {
        if (commandId !== undefined && p.header.commandId !== commandId) {
          throw new Error(`expected command 0x${commandId.toString(16)}, got 0x${p.header.commandId.toString(16)}`);
        }
        return p;
      }
      if (this.closed) throw new Error(`connection closed while waiting for 0x${(commandId ?? 0).toString(16)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for 0x${(commandId ?? 0).toString(16)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => { clearTimeout(t); resolve(); };
      });
    }
  }

  /** Frames received so far and not yet taken. */
  get pending(): number {
    return this.queue.length;
  }

  /** Resolves when the server closes the connection; rejects after `timeoutMs`. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error('connection was not closed by the server')), timeoutMs);
    });
    try {
      await Promise.race([this.closedPromise, timeout]);
    } finally {
      clearTimeout(t);
    }
  }

  /** Stop reading (the kernel buffers fill and the peer's writes back up). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.destroy();
  }
}
