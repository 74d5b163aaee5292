import pino from 'pino';
import type { Transport, TransportOptions } from '../../../src/net/Transport';
import { NetTransport } from '../../../src/net/NetTransport';
import { NativeTransport } from '../../../src/net/NativeTransport';

export type TransportKind = 'native' | 'net';
export const KINDS: readonly TransportKind[] = ['native', 'net'];

export function makeTransport(kind: TransportKind, opts: TransportOptions = {}): Transport {
  return kind === 'native' ? new NativeTransport(opts) : new NetTransport(opts);
}

/** A logger whose lines the test can inspect (JSON objects). */
export function captureLog(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s) as Record<string, unknown>); } });
  return { log, lines };
}

/** Resolve when `cond()` holds, polling on the event loop; reject after `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
