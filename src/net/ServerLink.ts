import type { Tickable } from './Ticker';

/**
 * One configured peer of an outgoing link kind (servers.md §1.10): host, port, the current
 * connection if any, and the reconnect back-off. Every tick without a connection bumps the idle
 * counter; at the threshold a new connection is started. A close doubles the threshold (over 64
 * it drops to 4); a confirmed connect resets it to 2, so retries after a break come at about
 * 4, 8, 16, 32, 64 s, then 4 again (protocol.md §1.6).
 *
 * Rewrite: a synchronous connect failure is treated like an asynchronous one (the original left
 * the slot dead forever).
 */
export interface LinkConn {
  readonly closed: boolean;
  close(): void;
}

export class ServerLink<C extends LinkConn> implements Tickable {
  conn: C | undefined;
  open = false;
  connectedAt = 0;
  private idle = 0;
  private threshold = 2;

  constructor(
    readonly host: string,
    readonly port: number,
    /** Start a connection; the returned object reports back through confirmed()/lost(). */
    private readonly connectFn: (link: ServerLink<C>) => C,
  ) {}

  /** Called at start-up: connect at once. */
  start(): void {
    this.connectNow();
  }

  /** The threshold in ticks before the next retry (exposed for tests and metrics). */
  get backoffTicks(): number { return this.threshold; }

  onTick(_now: number): void {
    if (this.conn) return;
    this.idle++;
    if (this.idle >= this.threshold) this.connectNow();
  }

  /** The connection's connect completed. */
  confirmed(now: number): void {
    this.open = true;
    this.connectedAt = now;
    this.threshold = 2;
  }

  /** The connection closed (error, peer close, timeout, failed connect). */
  lost(conn: C): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    this.open = false;
    this.idle = 0;
    this.threshold *= 2;
    if (this.threshold > 64) this.threshold = 4;
  }

  close(): void {
    const c = this.conn;
    this.conn = undefined;
    this.open = false;
    c?.close();
  }

  private connectNow(): void {
    this.idle = 0;
    try {
      this.conn = this.connectFn(this);
    } catch {
      // Synchronous failure: same back-off as an asynchronous one.
      this.conn = undefined;
      this.threshold *= 2;
      if (this.threshold > 64) this.threshold = 4;
    }
  }
}
