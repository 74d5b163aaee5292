import { ServerLink } from '../net/ServerLink';
import type { Tickable } from '../net/Ticker';
import type { Transport } from '../net/Transport';
import type { HandlerTable } from '../net/HandlerTable';
import type { HeartbeatPolicy } from '../net/Conn';
import type { Logger } from '../util/log';
import { PeerConn } from './PeerConn';

export interface Endpoint {
  host: string;
  port: number;
}

export interface LinkGroupOptions {
  /** Short name for logs: 'db_proxy', 'route', ... */
  kind: string;
  transport: Transport;
  endpoints: readonly Endpoint[];
  handlers: HandlerTable<PeerConn>;
  log: Logger;
  heartbeat?: HeartbeatPolicy;
  timeWhileConnecting: boolean;
}

/**
 * All configured slots of one link kind (servers.md §1.10): one ServerLink per slot with its own
 * back-off, driven by the shared Ticker through this group. Subclasses decide what a new link
 * sends first and how a link is chosen.
 */
export class LinkGroup implements Tickable {
  readonly kind: string;
  readonly slots: ServerLink<PeerConn>[];
  protected readonly log: Logger;
  private running = false;

  constructor(protected readonly opts: LinkGroupOptions) {
    this.kind = opts.kind;
    this.log = opts.log.child({ link: opts.kind });
    const events = { onOpen: (c: PeerConn) => this.onOpen(c), onClose: (c: PeerConn) => this.onClose(c) };
    this.slots = opts.endpoints.map((ep) => new ServerLink<PeerConn>(ep.host, ep.port, (slot) => {
      const c = new PeerConn(opts.transport, slot, opts.handlers, events, {
        log: this.log, heartbeat: opts.heartbeat, timeWhileConnecting: opts.timeWhileConnecting,
      });
      c.id = opts.transport.connect(ep.host, ep.port, c);
      // A transport that fails the connect synchronously has already closed c: report it as a
      // synchronous failure so the slot backs off and retries (ServerLink's Rewrite).
      if (c.closed) throw new Error(`connect to ${ep.host}:${ep.port} failed at once`);
      return c;
    }));
  }

  start(): void {
    this.running = true;
    for (const s of this.slots) s.start();
  }

  /** Close every link and stop reconnecting. */
  stop(): void {
    this.running = false;
    for (const s of this.slots) s.close();
  }

  onTick(now: number): void {
    if (!this.running) return;
    for (const s of this.slots) {
      s.onTick(now);
      s.conn?.onTick(now);
    }
  }

  /** Links that are connected and usable, in slot order. */
  openConns(): PeerConn[] {
    const out: PeerConn[] = [];
    for (const s of this.slots) if (s.conn?.open) out.push(s.conn);
    return out;
  }

  hasOpen(): boolean {
    for (const s of this.slots) if (s.conn?.open) return true;
    return false;
  }

  /** Send one frame on every open link (presence and count updates go to all of them). */
  sendAll(frame: Uint8Array): number {
    let n = 0;
    for (const s of this.slots) if (s.conn?.open && s.conn.sendRaw(frame)) n++;
    return n;
  }

  /** A random open link among `slots[from, to)`: draw until one is open (servers.md §1.10). */
  protected randomOpen(from: number, to: number): PeerConn | undefined {
    let any = false;
    for (let i = from; i < to; i++) if (this.slots[i]!.conn?.open) { any = true; break; }
    if (!any) return undefined;
    for (;;) {
      const c = this.slots[from + Math.floor(Math.random() * (to - from))]!.conn;
      if (c?.open) return c;
    }
  }

  protected onOpen(_conn: PeerConn): void {}
  protected onClose(_conn: PeerConn): void {}
}
