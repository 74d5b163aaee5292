import * as path from 'node:path';

/**
 * The addon's JS surface (native/tt_net.cc) and the record layout it shares with us
 * (native/Records.h: change both together). Only NativeTransport uses this.
 */
export interface NativeAddon {
  init(onBatch: (count: number) => void, opts: { readBufferBytes?: number; maxRecords?: number; socketsPerCall?: number }): {
    readBuffer: Buffer;
    records: Uint32Array;
    recordWords: number;
    slotBits: number;
  };
  listen(ip: number, port: number, backlog: number, maxQueue: number): { id: number; port: number } | { errno: number };
  /** localIp: source address (host order), 0 or absent = any. */
  connect(ip: number, port: number, maxQueue: number, failErrno: number, localIp?: number): number;
  /** 1 queued, 0 unknown id, -1 closed as a slow consumer. */
  write(id: number, data: Uint8Array): number;
  /** Queued count; ids closed as slow consumers are overwritten with -1 in `ids`. */
  writeMany(ids: Float64Array, count: number, data: Uint8Array): number;
  /** [id, offset, length] triples into data, applied in order; slow consumers get offset -1. */
  writeBatch(recs: Float64Array, count: number, data: Uint8Array): number;
  close(id: number): void;
  pause(id: number): void;
  resume(id: number): void;
  queued(id: number): number;
  stats(): NativeStats;
}

export interface NativeStats {
  batches: number;
  events: number;
  bytesIn: number;
  bytesOut: number;
  sends: number;
  slowConsumers: number;
  open: number;
  slots: number;
  freeSlots: number;
}

export const REC_WORDS = 8;
export const REC_DATA = 1;
export const REC_ACCEPT = 2;
export const REC_CONNECT = 3;
export const REC_DRAIN = 4;
export const REC_CLOSE = 5;
export const REC_LOG = 6;

export const CLOSE_PEER = 1;
export const CLOSE_ERROR = 2;
export const CLOSE_SLOW_CONSUMER = 3;
export const CLOSE_LOCAL = 4;
export const CLOSE_CONNECT_FAILED = 5;

export const LOG_ACCEPT_FAILED = 1;
export const LOG_ACCEPT_PAUSED = 2;
export const LOG_ACCEPT_RESUMED = 3;
export const LOG_OUT_OF_MEMORY = 4;
export const LOG_SEND_FAILED = 5;

/** ids are slot + generation * 2^20 (native/Records.h). */
export const SLOT_SPACE = 1 << 20;

/** Where scripts/build-native.js puts the addon; TT_NATIVE_ADDON overrides (e.g. a Debug build). */
export function addonPath(): string {
  return process.env.TT_NATIVE_ADDON ?? path.resolve(__dirname, '..', '..', '..', 'build', 'Release', 'tt_net.node');
}

let cached: NativeAddon | undefined;

/** Loads the addon once per environment (worker threads get their own copy of this module). */
export function loadAddon(): NativeAddon {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  cached ??= require(addonPath()) as NativeAddon;
  return cached;
}
