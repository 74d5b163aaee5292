import type { AcceptInfo, CloseReason } from './Transport';
import type { Conn } from './Conn';
import type { Ticker } from './Ticker';

/**
 * The accepted connections of one listener kind (servers.md §1.4: one connection table per kind of
 * peer). Adopting a connection gives it its transport id and peer address, puts it on the shared
 * Ticker, and takes it off both when it closes, so no server re-implements that bookkeeping.
 */
export class ConnGroup<C extends Conn> implements Iterable<C> {
  private readonly conns = new Set<C>();

  constructor(
    private readonly ticker: Ticker,
    private readonly onLeave?: (c: C, reason: CloseReason, errno: number) => void,
  ) {}

  adopt(c: C, info: AcceptInfo): C {
    c.id = info.id;
    c.peerIp = info.peerIp;
    c.peerPort = info.peerPort;
    this.conns.add(c);
    this.ticker.add(c);
    c.whenClosed((reason, errno) => {
      this.conns.delete(c);
      this.ticker.delete(c);
      this.onLeave?.(c, reason, errno);
    });
    return c;
  }

  get size(): number { return this.conns.size; }

  [Symbol.iterator](): Iterator<C> { return this.conns.values(); }

  /** Close every member (each leaves the group as it closes). */
  closeAll(): void {
    for (const c of [...this.conns]) c.close();
  }
}
