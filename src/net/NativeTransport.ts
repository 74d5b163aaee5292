import * as dns from 'node:dns/promises';
import * as net from 'node:net';
import { AcceptInfo, CloseReason, ConnectOptions, ConnSink, DEFAULT_MAX_QUEUE_BYTES, Listener, Transport, TransportOptions } from './Transport';
import {
  CLOSE_CONNECT_FAILED, CLOSE_ERROR, CLOSE_LOCAL, CLOSE_PEER, CLOSE_SLOW_CONSUMER,
  LOG_ACCEPT_FAILED, LOG_ACCEPT_PAUSED, LOG_ACCEPT_RESUMED, LOG_OUT_OF_MEMORY,
  NativeAddon, NativeStats, REC_ACCEPT, REC_CLOSE, REC_CONNECT, REC_DATA, REC_DRAIN, REC_LOG, REC_WORDS, SLOT_SPACE,
  loadAddon,
} from './nativeAddon';
import type { EncodeOptions } from '../pdu/Pdu';
import { encodeFrame, encodeFrameInto } from '../pdu/Pdu';
import { HEADER_LENGTH } from '../pdu/header';
import { childLog } from '../util/log';
import { nowMs } from '../util/clock';
import { copyInto } from '../util/bytes';
import { errnoName } from './errno';
import { netCounters } from './netCounters';

const log = childLog({ mod: 'NativeTransport' });

const EINVAL = 22;
/** The write arena (see NativeLoop.queueWrite): bytes and records per flush; larger writes go direct. */
const WRITE_ARENA_BYTES = 256 * 1024;
const WRITE_ARENA_RECORDS = 8192;
const WRITE_INLINE_MAX = 16 * 1024;
const REASONS: Record<number, CloseReason> = {
  [CLOSE_PEER]: 'peer',
  [CLOSE_ERROR]: 'error',
  [CLOSE_SLOW_CONSUMER]: 'slow-consumer',
  [CLOSE_LOCAL]: 'local',
  [CLOSE_CONNECT_FAILED]: 'connect-failed',
};

interface ListenEntry {
  onAccept: (info: AcceptInfo) => ConnSink;
  host: string;
  port: number;
}

/**
 * Sinks by slot for the whole environment: the addon runs one epoll loop per environment, so every
 * NativeTransport instance of a process (or worker) shares this table. Ids are generation-tagged;
 * a record whose generation does not match the slot's current connection is stale and skipped.
 */
class NativeLoop {
  readonly addon: NativeAddon;
  private readonly buf: Buffer;
  private readonly rec: Uint32Array;
  /** Dense arrays indexed by slot; undefined/0 when the slot has no JS-side connection. */
  private readonly sinks: (ConnSink | undefined)[] = [];
  private readonly gens: number[] = [];
  private readonly listeners = new Map<number, ListenEntry>();
  /** When the current batch started (see now()); valid while inBatch. */
  private batchStart = 0;
  private inBatch = false;

  constructor() {
    this.addon = loadAddon();
    const shared = this.addon.init((n) => this.onBatch(n), loopOptionsFromEnv());
    this.buf = shared.readBuffer;
    this.rec = shared.records;
    if (shared.recordWords !== REC_WORDS || 2 ** shared.slotBits !== SLOT_SPACE) {
      throw new Error('tt_net addon and src/net/nativeAddon.ts disagree on the record layout; rebuild the addon');
    }
  }

  /** The one JS call per readiness batch. Bytes in `buf` are valid only until it returns. */
  private onBatch(n: number): void {
    this.batchStart = nowMs();
    this.inBatch = true;
    try {
      this.dispatchRecords(n);
    } finally {
      this.inBatch = false;
    }
  }

  /**
   * Monotonic ms for stamping reads and sends. A batch of a thousand connections takes a few
   * milliseconds, well inside every heartbeat and timeout decision, so it reads the clock once
   * (two clock reads per echo were ~1.5 % of bench/echo's CPU).
   */
  now(): number {
    return this.inBatch ? this.batchStart : nowMs();
  }

  private dispatchRecords(n: number): void {
    const rec = this.rec;
    const sinks = this.sinks;
    const gens = this.gens;
    const buf = this.buf;
    let i = 0;
    while (i < n) {
      try {
        for (; i < n; i++) {
          const p = i * REC_WORDS;
          const slot = rec[p + 1]!;
          if (rec[p] === REC_DATA) {
            const sink = sinks[slot];
            if (sink !== undefined && gens[slot] === rec[p + 2]) sink.onData(buf, rec[p + 3]!, rec[p + 4]!);
          } else {
            this.onEvent(rec[p]!, slot, rec[p + 2]!, rec[p + 3]!, rec[p + 4]!, rec[p + 5]!);
          }
        }
      } catch (err) {
        // A sink that throws must not take the other connections of this batch down with it.
        log.error({ err, slot: rec[i * REC_WORDS + 1] }, 'connection event handler threw');
        i++;
      }
    }
  }

  private onEvent(type: number, slot: number, gen: number, a: number, b: number, c: number): void {
    const id = gen * SLOT_SPACE + slot;
    if (type === REC_ACCEPT) { this.accept(id, slot, gen, a, b, c); return; }
    if (type === REC_LOG) { this.nativeLog(id, a, b, c); return; }
    const sink = this.sinks[slot];
    if (sink === undefined || this.gens[slot] !== gen) return;
    switch (type) {
      case REC_CONNECT:
        sink.onConnect?.(a);
        return;
      case REC_DRAIN:
        sink.onDrain?.();
        return;
      case REC_CLOSE: {
        this.forget(slot);
        const reason = REASONS[a] ?? 'error';
        netCounters.closed[reason] += 1;
        sink.onClose(reason, b);
        return;
      }
      default:
        log.error({ type, slot }, 'unknown record type from the addon');
    }
  }

  private accept(id: number, slot: number, gen: number, listenerSlot: number, ip: number, port: number): void {
    const l = this.listeners.get(listenerSlot);
    if (!l) { this.addon.close(id); return; } // listener closed earlier in this batch
    const info: AcceptInfo = { id, peerIp: ipToString(ip), peerPort: port };
    let sink: ConnSink;
    try {
      sink = l.onAccept(info);
    } catch (err) {
      log.error({ err, peer: `${info.peerIp}:${port}` }, 'accept handler threw; dropping connection');
      this.addon.close(id);
      return;
    }
    this.register(slot, gen, sink);
    netCounters.accepted += 1;
  }

  private nativeLog(id: number, code: number, errno: number, detail: number): void {
    const listener = this.listeners.get(id % SLOT_SPACE);
    const where = listener ? `${listener.host}:${listener.port}` : undefined;
    switch (code) {
      case LOG_ACCEPT_PAUSED:
        log.error({ listener: where, errno: errnoName(errno), retryMs: detail }, 'accept: out of file descriptors; listener paused, retrying (pending clients wait in the backlog)');
        return;
      case LOG_ACCEPT_RESUMED:
        log.warn({ listener: where }, 'accept: descriptors available again; listener resumed');
        return;
      case LOG_ACCEPT_FAILED:
        log.error({ listener: where, errno: errnoName(errno) }, 'accept failed; listener paused briefly');
        return;
      case LOG_OUT_OF_MEMORY:
        log.error({ conn: id }, 'output queue could not grow (out of memory); connection closed');
        return;
      default:
        log.warn({ code, errno: errnoName(errno), detail }, 'native transport event');
    }
  }

  register(slot: number, gen: number, sink: ConnSink): void {
    while (this.sinks.length <= slot) { this.sinks.push(undefined); this.gens.push(0); }
    this.sinks[slot] = sink;
    this.gens[slot] = gen;
  }

  /** The sink of a live id, or undefined. */
  sinkOf(id: number): ConnSink | undefined {
    const slot = id % SLOT_SPACE;
    const sink = this.sinks[slot];
    return sink !== undefined && this.gens[slot] * SLOT_SPACE + slot === id ? sink : undefined;
  }

  forget(slot: number): void {
    this.sinks[slot] = undefined;
    this.gens[slot] = 0;
  }

  // ---- the write arena ----
  //
  // write() does not cross into C++: it copies the bytes into this arena and notes
  // [id, offset, length]; one writeBatch() call hands them all to the addon, in order, from a
  // microtask at the end of the current JS task (inside a readiness batch that is still before the
  // addon's end-of-batch flush, because napi_make_callback drains microtasks). A per-write native
  // call was the largest user-space cost of msg_server's fan-out and of bench/echo. Anything that
  // must observe the writes (close, queued, writeMany, a large write) flushes the arena first.

  private readonly wbuf = Buffer.allocUnsafeSlow(WRITE_ARENA_BYTES);
  private readonly wrec = new Float64Array(3 * WRITE_ARENA_RECORDS);
  private wcount = 0;
  private wused = 0;
  private flushQueued = false;
  private readonly flushTask = (): void => {
    this.flushQueued = false;
    this.flushWrites();
  };

  /** False when the id is not a live connection (the bytes are dropped, as write() promises). */
  queueWrite(id: number, data: Uint8Array): boolean {
    if (this.sinkOf(id) === undefined) return false;
    const len = data.length;
    if (len > WRITE_INLINE_MAX) return this.writeDirect(id, data);
    copyInto(this.wbuf, this.reserve(id, len), data);
    return true;
  }

  /** queueWrite of a frame, encoded straight into the arena (no frame buffer per reply). */
  queueFrame(id: number, commandId: number, body: Uint8Array, opts: EncodeOptions | undefined): boolean {
    if (this.sinkOf(id) === undefined) return false;
    const len = HEADER_LENGTH + body.length;
    if (len > WRITE_INLINE_MAX) return this.writeDirect(id, encodeFrame(commandId, body, opts));
    encodeFrameInto(this.wbuf, this.reserve(id, len), commandId, body, opts);
    return true;
  }

  /** Room for `len` bytes to `id` in the arena, in order with everything queued before. */
  private reserve(id: number, len: number): number {
    if (this.wused + len > WRITE_ARENA_BYTES || this.wcount === WRITE_ARENA_RECORDS) this.flushWrites();
    const at = this.wused;
    const p = 3 * this.wcount++;
    this.wrec[p] = id;
    this.wrec[p + 1] = at;
    this.wrec[p + 2] = len;
    this.wused += len;
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushTask);
    }
    return at;
  }

  /** A large write goes to the addon at once, after what the arena holds. */
  private writeDirect(id: number, data: Uint8Array): boolean {
    this.flushWrites();
    const r = this.addon.write(id, data);
    if (r === -1) this.slowConsumerClosed(id);
    return r === 1;
  }

  /** Hand every queued write to the addon now. */
  flushWrites(): void {
    const n = this.wcount;
    if (n === 0) return;
    this.wcount = 0;
    this.wused = 0;
    const slow = this.addon.writeBatch(this.wrec, n, this.wbuf);
    if (slow === 0) return;
    // Collect first: a sink's onClose may write, which refills wrec.
    const ids: number[] = [];
    for (let i = 0; i < n; i++) if (this.wrec[3 * i + 1] === -1) ids.push(this.wrec[3 * i]!);
    for (const id of ids) this.slowConsumerClosed(id);
  }

  slowConsumerClosed(id: number): void {
    const sink = this.sinkOf(id);
    if (sink === undefined) return; // several writes of one batch hit the cap: one close
    log.warn({ conn: id }, 'slow consumer: output queue over cap, closing');
    netCounters.closed['slow-consumer'] += 1;
    this.forget(id % SLOT_SPACE);
    sink.onClose('slow-consumer', 0);
  }

  addListener(id: number, entry: ListenEntry): void { this.listeners.set(id % SLOT_SPACE, entry); }
  removeListener(id: number): void { this.listeners.delete(id % SLOT_SPACE); }
}

/**
 * TT_NET_SOCKETS_PER_CALL: ready sockets per JS call (native/Loop.cc RunBatch; default 32). A
 * tuning knob for benchmarks (bench/README.md compares slice sizes), not a setting servers need.
 */
function loopOptionsFromEnv(): { socketsPerCall?: number } {
  const v = Number(process.env.TT_NET_SOCKETS_PER_CALL);
  return Number.isInteger(v) && v > 0 ? { socketsPerCall: v } : {};
}

let shared: NativeLoop | undefined;
function nativeLoop(): NativeLoop {
  shared ??= new NativeLoop();
  return shared;
}

/** The addon's loop counters if this thread has started the native loop, else undefined (for metrics). */
export function nativeStatsIfLoaded(): NativeStats | undefined {
  return shared?.addon.stats();
}

/**
 * The Transport contract on the native epoll addon (native/, docs/architecture.md). Throws from
 * the constructor when the addon is not built, which makes defaultTransport() fall back to `net`.
 */
export class NativeTransport implements Transport {
  readonly kind = 'native' as const;
  private readonly loop: NativeLoop;
  private readonly addon: NativeAddon;
  private readonly maxQueue: number;

  constructor(opts: TransportOptions = {}) {
    this.loop = nativeLoop();
    this.addon = this.loop.addon;
    this.maxQueue = opts.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
  }

  async listen(host: string, port: number, onAccept: (info: AcceptInfo) => ConnSink, backlog = 511): Promise<Listener> {
    const ip = await resolveIPv4(host);
    const r = this.addon.listen(ip, port, backlog, this.maxQueue);
    if ('errno' in r) {
      const err = new Error(`listen ${host}:${port}: ${errnoName(r.errno)}`) as NodeJS.ErrnoException;
      err.code = errnoName(r.errno);
      err.errno = r.errno;
      throw err;
    }
    const entry: ListenEntry = { onAccept, host, port: r.port };
    this.loop.addListener(r.id, entry);
    let closed = false;
    return {
      host,
      port: r.port,
      close: () => {
        if (closed) return;
        closed = true;
        this.loop.removeListener(r.id);
        this.addon.close(r.id);
      },
    };
  }

  connect(host: string, port: number, sink: ConnSink, opts: ConnectOptions = {}): number {
    // The addon takes IPv4 literals only (resolving would block the loop, servers.md §1.3);
    // anything else fails like a refused connect, asynchronously, with a log line.
    const ip = host === 'localhost' ? 0x7f000001 : parseIPv4(host);
    if (ip === undefined) log.error({ host, port }, 'connect: not an IPv4 address; the native transport does not resolve names');
    const local = opts.localAddress === undefined ? 0 : parseIPv4(opts.localAddress);
    if (local === undefined) log.error({ localAddress: opts.localAddress }, 'connect: localAddress is not an IPv4 address');
    const bad = ip === undefined || local === undefined;
    const id = this.addon.connect(ip ?? 0, port, this.maxQueue, bad ? EINVAL : 0, local ?? 0);
    if (id < 0) throw new Error(`connect ${host}:${port}: ${errnoName(-id)}`);
    netCounters.connects += 1;
    this.loop.register(id % SLOT_SPACE, Math.floor(id / SLOT_SPACE), sink);
    return id;
  }

  write(id: number, data: Uint8Array): boolean {
    return this.loop.queueWrite(id, data);
  }

  writeFrame(id: number, commandId: number, body: Uint8Array, opts?: EncodeOptions): boolean {
    return this.loop.queueFrame(id, commandId, body, opts);
  }

  now(): number { return this.loop.now(); }

  writeMany(ids: ArrayLike<number>, data: Uint8Array, count = ids.length): number {
    const n = Math.min(count, ids.length);
    if (n <= 0) return 0;
    this.loop.flushWrites(); // keep each connection's byte order
    // Our own copy: the addon marks slow consumers in it, and the caller's array stays untouched.
    let scratch = this.idScratch;
    if (scratch.length < n) scratch = this.idScratch = new Float64Array(Math.max(n, scratch.length * 2));
    for (let i = 0; i < n; i++) scratch[i] = ids[i]!;
    const written = this.addon.writeMany(scratch, n, data);
    if (written < n) {
      for (let i = 0; i < n; i++) if (scratch[i] === -1) this.loop.slowConsumerClosed(ids[i]!);
    }
    return written;
  }

  private idScratch = new Float64Array(256);

  close(id: number): void {
    this.loop.flushWrites(); // what was written before close() leaves before the FIN
    const sink = this.loop.sinkOf(id);
    this.addon.close(id);
    if (sink) {
      netCounters.closed.local += 1;
      this.loop.forget(id % SLOT_SPACE);
      sink.onClose('local', 0);
    }
  }

  pause(id: number): void { this.addon.pause(id); }
  resume(id: number): void { this.addon.resume(id); }
  queued(id: number): number {
    this.loop.flushWrites();
    return this.addon.queued(id);
  }

  /** Loop counters (batches, events, bytes, sends, slow consumers, open sockets) for metrics. */
  stats(): NativeStats { return this.addon.stats(); }
}

function parseIPv4(host: string): number | undefined {
  if (!net.isIPv4(host)) return undefined;
  const p = host.split('.').map(Number);
  return ((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
}

async function resolveIPv4(host: string): Promise<number> {
  const literal = host === '' ? 0 : parseIPv4(host);
  if (literal !== undefined) return literal;
  const { address } = await dns.lookup(host, { family: 4 });
  return parseIPv4(address)!;
}

function ipToString(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}
