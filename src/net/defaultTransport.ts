import type { Transport, TransportOptions } from './Transport';
import { NetTransport } from './NetTransport';
import { childLog } from '../util/log';

const log = childLog({ mod: 'transport' });
let shared: Transport | undefined;

/**
 * The process's transport: the native epoll addon when it is built (the normal case), Node's
 * `net` when TT_TRANSPORT=net or the addon cannot load. One per process, shared by every server
 * and link in it, like the original's single event loop.
 */
export function defaultTransport(opts: TransportOptions = {}): Transport {
  if (shared) return shared;
  const want = process.env.TT_TRANSPORT ?? 'native';
  if (want === 'native') {
    try {
      // Loaded lazily so a missing addon build degrades to `net` with a log line, not a crash.
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const mod = require('./NativeTransport') as { NativeTransport: new (o: TransportOptions) => Transport };
      shared = new mod.NativeTransport(opts);
      return shared;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'native transport unavailable; using node:net');
    }
  }
  shared = new NetTransport(opts);
  return shared;
}
