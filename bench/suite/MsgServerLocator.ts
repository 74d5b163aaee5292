import * as net from 'node:net';
import type { CloseReason, ConnSink, Transport } from '../../src/net/Transport';
import { errnoName } from '../../src/net/errno';
import { LookupError, lookupMsgServer, lookupRequest, MAX_REPLY_BYTES, MsgServerAddress, parseHttpReply } from './Target';

/** `each`: one login_server lookup per login, as a real client does; `once`: one per worker, reused. */
export type LookupMode = 'each' | 'once';

/** err, or the address; `fresh` is false when it came from the `once` cache (no lookup latency to record). */
export type LookupDone = (err: Error | undefined, addr: MsgServerAddress | undefined, fresh: boolean) => void;

export interface LookupHandle {
  /** Drop the answer (login deadline passed): the socket, if any, is closed at once. */
  cancel(): void;
}

interface Request {
  url: string;
  host: string;
  port: number;
  bytes: Buffer;
}

/**
 * One HTTP GET to login_server on the bench's own transport (the native epoll addon normally): a
 * lookup per login was half of the bench worker's CPU on node:net (a net.Socket, its stream
 * machinery and promise per lookup), which made the client the bottleneck of a login storm.
 */
class TransportLookup implements ConnSink, LookupHandle {
  private readonly id: number;
  private chunks: Buffer[] = [];
  private size = 0;
  private done = false;
  /** the reply is in; the socket stays until login_server closes it (or the next sweep) */
  private answered = false;

  constructor(private readonly transport: Transport, private readonly req: Request, localAddress: string | undefined,
              private readonly cb: LookupDone, private readonly lingering: Set<TransportLookup>) {
    this.id = transport.connect(req.host, req.port, this, localAddress !== undefined ? { localAddress } : undefined);
  }

  onConnect(errno: number): void {
    if (errno === 0) this.transport.write(this.id, this.req.bytes);
    // a failure is followed by onClose('connect-failed')
  }

  onData(buf: Buffer, offset: number, length: number): void {
    if (this.done) return;
    this.size += length;
    if (this.size > MAX_REPLY_BYTES) {
      this.finish(new LookupError('too-large', `reply over 64 KiB from ${this.req.url}`));
      return;
    }
    // the transport's bytes are valid only during this call
    this.chunks.push(Buffer.from(buf.subarray(offset, offset + length)));
    this.tryParse(false);
  }

  onClose(reason: CloseReason, errno: number): void {
    this.lingering.delete(this);
    if (this.done) return;
    if (reason === 'connect-failed' || reason === 'error') {
      this.finish(new LookupError('http', `${this.req.url}: ${errnoName(errno)}`));
      return;
    }
    this.tryParse(true);
  }

  cancel(): void {
    if (this.done && !this.answered) return;
    this.done = true;
    this.lingering.delete(this);
    this.transport.close(this.id);
  }

  private tryParse(atEnd: boolean): void {
    try {
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const addr = parseHttpReply(all, atEnd, this.req.url);
      if (addr !== undefined) this.finish(undefined, addr);
    } catch (e) {
      this.finish(e as Error);
    }
  }

  private finish(err: Error | undefined, addr?: MsgServerAddress): void {
    if (this.done) return;
    this.done = true;
    if (err === undefined) {
      // login_server closes after its reply (Connection: close), usually with the reply itself:
      // letting its FIN arrive costs us one close() instead of shutdown + linger + close, and
      // keeps the TIME_WAIT on its side. A server that keeps the socket open is swept later.
      this.answered = true;
      this.lingering.add(this);
    } else {
      this.transport.close(this.id);
    }
    this.cb(err, addr, true);
  }
}

/** Finds the msg_server for a login: per login (default) or once per worker (`--lookup once`). */
export class MsgServerLocator {
  private readonly requests = new Map<string, Request>();
  private cached: MsgServerAddress | undefined;
  private waiting: LookupDone[] | undefined;
  /** answered lookups whose socket login_server has not closed yet */
  private readonly lingering = new Set<TransportLookup>();
  private lastSweep = new Set<TransportLookup>();

  constructor(private readonly transport: Transport, private readonly mode: LookupMode = 'each') {}

  lookup(url: string, localAddress: string | undefined, done: LookupDone): LookupHandle {
    if (this.mode === 'each') return this.fetch(url, localAddress, done);
    if (this.cached !== undefined) {
      done(undefined, this.cached, false);
      return { cancel: () => undefined };
    }
    let live = true;
    const mine: LookupDone = (err, addr, fresh) => { if (live) done(err, addr, fresh); };
    if (this.waiting !== undefined) {
      this.waiting.push(mine);
    } else {
      this.waiting = [mine];
      // the first caller's lookup serves everyone; a failure fails them all and the next login retries
      this.fetch(url, localAddress, (err, addr) => {
        const w = this.waiting ?? [];
        this.waiting = undefined;
        if (err === undefined) this.cached = addr;
        w.forEach((f, i) => f(err, addr, i === 0));
      });
    }
    return { cancel: () => { live = false; } };
  }

  private fetch(url: string, localAddress: string | undefined, done: LookupDone): LookupHandle {
    let req = this.requests.get(url);
    if (req === undefined) {
      const r = lookupRequest(url);
      req = { url, host: r.host, port: r.port, bytes: r.request };
      this.requests.set(url, req);
    }
    const local = localAddress !== undefined && req.host.startsWith('127.') ? localAddress : undefined;
    if (this.transport.kind === 'native' && !net.isIPv4(req.host) && req.host !== 'localhost') {
      // the native transport connects to IPv4 literals only: names go through node:net
      let live = true;
      lookupMsgServer(url).then((a) => { if (live) done(undefined, a, true); }, (e: Error) => { if (live) done(e, undefined, true); });
      return { cancel: () => { live = false; } };
    }
    return new TransportLookup(this.transport, req, local, done, this.lingering);
  }

  /**
   * Called about once a second: closes answered lookups that were already open at the previous
   * sweep (a login_server that does not close after its reply must not pile up sockets).
   */
  sweep(): void {
    for (const l of this.lastSweep) if (this.lingering.has(l)) l.cancel();
    this.lastSweep = new Set(this.lingering);
  }

  /** Answered lookups still open (tests, shutdown). */
  get open(): number {
    return this.lingering.size;
  }

  closeAll(): void {
    for (const l of [...this.lingering]) l.cancel();
  }
}
