import * as net from 'node:net';
import { encodeFrame } from '../../../src/pdu/Pdu';
import { HEADER_LENGTH, PduHeader, readHeader } from '../../../src/pdu/header';
import { decodeBody, encodeBody } from '../../../src/pdu/codec';
import type { BodyType } from '../../../src/pdu/BodyType';

export interface Frame {
  header: PduHeader;
  body: Buffer;
}

/**
 * A msg_server-like link to db_proxy for tests: sends frames, collects every frame that comes
 * back, and waits for the one answering a given seq and command.
 */
export class LinkClient {
  readonly frames: Frame[] = [];
  private buf = Buffer.alloc(0);
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  closed = false;
  private closeWaiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => this.onData(d));
    socket.on('close', () => { this.closed = true; for (const w of this.closeWaiters) w(); });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<LinkClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => resolve(new LinkClient(s)));
      s.once('error', reject);
    });
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    while (this.buf.length >= HEADER_LENGTH) {
      const h = readHeader(this.buf, 0, 64 * 1024 * 1024);
      if (this.buf.length < h.length) break;
      const f: Frame = { header: h, body: Buffer.from(this.buf.subarray(HEADER_LENGTH, h.length)) };
      this.buf = this.buf.subarray(h.length);
      this.frames.push(f);
      const i = this.waiters.findIndex((w) => w.match(f));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(f);
    }
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  send<I extends object>(cid: number, type: BodyType<object, I>, msg: I, seq = 0): void {
    this.sendRaw(encodeFrame(cid, encodeBody(type, msg), { seq }));
  }

  /** Wait for a frame with this command (and seq, if given); rejects after `ms`. */
  wait(cid: number, seq?: number, ms = 5000): Promise<Frame> {
    const match = (f: Frame): boolean => f.header.commandId === cid && (seq === undefined || f.header.seq === seq);
    const idx = this.frames.findIndex(match);
    if (idx >= 0) return Promise.resolve(this.frames.splice(idx, 1)[0]!);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== entry);
        reject(new Error(`no reply cid 0x${cid.toString(16)} seq ${seq} within ${ms} ms`));
      }, ms);
      const entry = { match, resolve: (f: Frame) => { clearTimeout(t); const j = this.frames.indexOf(f); if (j >= 0) this.frames.splice(j, 1); resolve(f); } };
      this.waiters.push(entry);
    });
  }

  /** Send a request and decode its answer; rejects when none arrives within `ms`. */
  async call<I extends object, R extends object>(cid: number, type: BodyType<object, I>, msg: I, rspCid: number, rspType: BodyType<R, never>, seq = nextSeq(), ms = 5000): Promise<R> {
    const p = this.wait(rspCid, seq, ms);
    this.send(cid, type, msg, seq);
    const f = await p;
    return decodeBody(rspType, f.body);
  }

  /** True if nothing with this command arrives within `ms`. */
  async silent(cid: number, ms = 300): Promise<boolean> {
    try { await this.wait(cid, undefined, ms); return false; } catch { return true; }
  }

  waitClosed(ms = 5000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.closeWaiters.push(() => { clearTimeout(t); resolve(true); });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

let seqCounter = 1;
export function nextSeq(): number {
  seqCounter = (seqCounter % 65535) + 1;
  return seqCounter;
}
