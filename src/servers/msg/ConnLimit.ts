import type { AcceptInfo, ConnSink, Transport } from '../../net/Transport';
import type { Logger } from '../../util/log';
import { nowMs } from '../../util/clock';

/** At most one "refused" log line per this interval: a connection storm must not become a log storm. */
const LOG_EVERY_MS = 10_000;

/** The sink of a refused connection: it is closed before it can send anything that would be read. */
const REFUSED_SINK: ConnSink = { onData() { /* closed at once; nothing is read */ }, onClose() { /* nothing to clean */ } };

/**
 * Rewrite (servers.md §1.11): a hard cap on client connections, logged in or not, enforced at
 * accept time (`MaxClientConns`). The original never refused a connection: MaxConnCnt is only
 * advertised to login_server, so a client reaching msg_server directly could exhaust its
 * descriptors. 0 (the default) means no cap, as in the original.
 */
export class ConnLimit {
  /** Connections closed at accept because the cap was reached (metrics). */
  refused = 0;
  private unlogged = 0;
  private lastLogAt = -Infinity;

  constructor(readonly max: number, private readonly log: Logger) {}

  /** True when a new connection must be refused, `current` being the client connections held now. */
  full(current: number): boolean {
    return this.max > 0 && current >= this.max;
  }

  /**
   * Refuse an accepted connection: the transport needs a sink, and may only close the id once it
   * registered it, which it does right after the accept callback returns, so the close is a microtask.
   */
  refuse(transport: Transport, info: AcceptInfo, current: number): ConnSink {
    this.refused++;
    this.unlogged++;
    const now = nowMs();
    if (now - this.lastLogAt >= LOG_EVERY_MS) {
      this.log.warn({ peer: `${info.peerIp}:${info.peerPort}`, conns: current, max: this.max, refused: this.unlogged },
        'client connection limit reached (MaxClientConns); connection closed');
      this.lastLogAt = now;
      this.unlogged = 0;
    }
    queueMicrotask(() => transport.close(info.id));
    return REFUSED_SINK;
  }
}
