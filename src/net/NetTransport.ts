import * as net from 'node:net';
import { AcceptInfo, ConnectOptions, ConnSink, DEFAULT_MAX_QUEUE_BYTES, Listener, Transport, TransportOptions } from './Transport';
import type { EncodeOptions } from '../pdu/Pdu';
import { encodeFrame } from '../pdu/Pdu';
import { childLog } from '../util/log';
import { nowMs } from '../util/clock';
import { netCounters } from './netCounters';

const log = childLog({ mod: 'NetTransport' });

interface Entry {
  socket: net.Socket;
  sink: ConnSink;
  closed: boolean;
  localClose: boolean;
}

/**
 * The same Transport contract on Node's `net`: the comparison point for bench/echo and the
 * fallback when the addon is not built. Ids count up and are never reused.
 */
export class NetTransport implements Transport {
  readonly kind = 'net' as const;
  private nextId = 1;
  private readonly conns = new Map<number, Entry>();
  private readonly maxQueue: number;

  constructor(opts: TransportOptions = {}) {
    this.maxQueue = opts.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
  }

  listen(host: string, port: number, onAccept: (info: AcceptInfo) => ConnSink, backlog = 511): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ noDelay: true }, (socket) => {
        const id = this.nextId++;
        let sink: ConnSink;
        try {
          sink = onAccept({ id, peerIp: socket.remoteAddress ?? '', peerPort: socket.remotePort ?? 0 });
        } catch (err) {
          log.error({ err }, 'accept handler threw; dropping connection');
          socket.destroy();
          return;
        }
        this.attach(id, socket, sink);
        netCounters.accepted += 1;
      });
      server.once('error', reject);
      server.listen({ host, port, backlog }, () => {
        server.off('error', reject);
        server.on('error', (err) => log.error({ err, host, port }, 'listener error'));
        const addr = server.address() as net.AddressInfo;
        resolve({ host, port: addr.port, close: () => server.close() });
      });
    });
  }

  connect(host: string, port: number, sink: ConnSink, opts: ConnectOptions = {}): number {
    const id = this.nextId++;
    netCounters.connects += 1;
    const socket = net.connect({ host, port, noDelay: true, localAddress: opts.localAddress });
    const entry = this.attach(id, socket, sink);
    socket.once('connect', () => { if (!entry.closed) guarded(id, () => sink.onConnect?.(0)); });
    return id;
  }

  private attach(id: number, socket: net.Socket, sink: ConnSink): Entry {
    const entry: Entry = { socket, sink, closed: false, localClose: false };
    this.conns.set(id, entry);
    socket.setNoDelay(true);
    // A sink that throws must not become an uncaught exception that ends the process: logged,
    // like the native transport does, and the other connections carry on.
    socket.on('data', (chunk: Buffer) => {
      netCounters.bytesIn += chunk.length;
      if (!entry.closed) guarded(id, () => sink.onData(chunk, 0, chunk.length));
    });
    socket.on('drain', () => { if (!entry.closed) guarded(id, () => sink.onDrain?.()); });
    let errno = 0;
    let connecting = socket.connecting;
    socket.on('connect', () => { connecting = false; });
    socket.on('error', (err: NodeJS.ErrnoException) => { errno = errnoOf(err); });
    socket.on('close', () => {
      if (entry.closed) return;
      entry.closed = true;
      this.conns.delete(id);
      if (connecting && errno !== 0) {
        netCounters.closed['connect-failed'] += 1;
        guarded(id, () => sink.onConnect?.(errno));
        guarded(id, () => sink.onClose('connect-failed', errno));
      } else {
        netCounters.closed[errno !== 0 ? 'error' : 'peer'] += 1;
        guarded(id, () => sink.onClose(errno !== 0 ? 'error' : 'peer', errno));
      }
    });
    return entry;
  }

  write(id: number, data: Uint8Array): boolean {
    const e = this.conns.get(id);
    if (!e || e.closed) return false;
    netCounters.bytesOut += data.length;
    e.socket.write(data);
    if (e.socket.writableLength > this.maxQueue) {
      log.warn({ id, queued: e.socket.writableLength }, 'slow consumer: output queue over cap, closing');
      this.finish(id, e, 'slow-consumer');
      return false;
    }
    return true;
  }

  writeFrame(id: number, commandId: number, body: Uint8Array, opts?: EncodeOptions): boolean {
    return this.write(id, encodeFrame(commandId, body, opts));
  }

  /** No native boundary to save here: the contract of writeMany as a loop over write(). */
  writeMany(ids: ArrayLike<number>, data: Uint8Array, count = ids.length): number {
    let n = 0;
    const end = Math.min(count, ids.length);
    for (let i = 0; i < end; i++) if (this.write(ids[i]!, data)) n++;
    return n;
  }

  close(id: number): void {
    const e = this.conns.get(id);
    if (!e || e.closed) return;
    this.finish(id, e, 'local');
  }

  private finish(id: number, e: Entry, reason: 'local' | 'slow-consumer'): void {
    e.closed = true;
    this.conns.delete(id);
    netCounters.closed[reason] += 1;
    // Flush what is queued, then close; a peer that never reads gets destroyed.
    if (reason === 'local') e.socket.end(); else e.socket.destroy();
    setTimeout(() => e.socket.destroy(), 2000).unref();
    e.sink.onClose(reason, 0);
  }

  pause(id: number): void { this.conns.get(id)?.socket.pause(); }
  resume(id: number): void { this.conns.get(id)?.socket.resume(); }
  queued(id: number): number { return this.conns.get(id)?.socket.writableLength ?? 0; }
  now(): number { return nowMs(); }
}

function guarded(id: number, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log.error({ err, conn: id }, 'connection event handler threw');
  }
}

const ERRNO: Record<string, number> = { ECONNREFUSED: 111, ECONNRESET: 104, ETIMEDOUT: 110, EPIPE: 32, EHOSTUNREACH: 113, ENETUNREACH: 101, EADDRINUSE: 98 };
function errnoOf(err: NodeJS.ErrnoException): number {
  return (err.code && ERRNO[err.code]) || (typeof err.errno === 'number' ? Math.abs(err.errno) : 5);
}
