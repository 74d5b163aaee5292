import * as net from 'node:net';
import { decodePdu, type DecodedPdu } from '../../../src/pdu/codec';
import { HEADER_LENGTH } from '../../../src/pdu/header';

export interface Received {
  socket: net.Socket;
  frame: Buffer;
  pdu: DecodedPdu;
}

/**
 * A scripted db_proxy or route_server: accepts links, frames and decodes every PDU it receives,
 * and lets the test answer with raw frames. Heartbeats are recorded but not waited for.
 */
export class FakePeer {
  readonly received: Received[] = [];
  readonly sockets = new Set<net.Socket>();
  /** Called for every PDU except heartbeats; answer through `peer.send(socket, frame)`. */
  onPdu: ((r: Received) => void) | undefined;
  private waiters: Array<{ cid: number; resolve: (r: Received) => void }> = [];
  private server!: net.Server;
  port = 0;

  async listen(): Promise<this> {
    this.server = net.createServer((s) => this.accept(s));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  private accept(s: net.Socket): void {
    this.sockets.add(s);
    let buf = Buffer.alloc(0);
    s.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= HEADER_LENGTH) {
        const len = buf.readUInt32BE(0);
        if (buf.length < len) break;
        const frame = Buffer.from(buf.subarray(0, len));
        buf = buf.subarray(len);
        const r: Received = { socket: s, frame, pdu: decodePdu(frame) };
        this.received.push(r);
        if (r.pdu.header.commandId === 0x0701) continue;
        this.onPdu?.(r);
        const i = this.waiters.findIndex((w) => w.cid === r.pdu.header.commandId);
        if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(r);
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => this.sockets.delete(s));
  }

  /** The next PDU with this command id (or one already received and not yet taken). */
  next(cid: number, ms = 3000): Promise<Received> {
    const have = this.received.find((r) => r.pdu.header.commandId === cid && !taken.has(r));
    if (have) { taken.add(have); return Promise.resolve(have); }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no PDU 0x${cid.toString(16)} within ${ms} ms`)), ms);
      this.waiters.push({ cid, resolve: (r) => { clearTimeout(t); taken.add(r); resolve(r); } });
    });
  }

  count(cid: number): number {
    return this.received.filter((r) => r.pdu.header.commandId === cid).length;
  }

  send(s: net.Socket, frame: Uint8Array): void {
    s.write(frame);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const taken = new WeakSet<Received>();

/** Poll until `cond` holds (links connect asynchronously). */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
