import { LinkGroup, LinkGroupOptions } from './LinkGroup';
import type { PeerConn } from './PeerConn';
import { encodeFrame } from '../pdu/Pdu';
import { nowMs } from '../util/clock';
import { RelayQueue, RelayQueueLimits } from './RelayQueue';

const CID_OTHER_ROLE_SET = 0x0707;
/** IMRoleSet {master = 1}: field 1 varint 1. */
const ROLE_SET_MASTER = Buffer.from([0x08, 0x01]);

export interface RouteLinkOptions extends Omit<LinkGroupOptions, 'kind' | 'timeWhileConnecting'> {
  /**
   * Called when a route link comes up, after the ROLE_SET if this link was elected: returns the
   * first PDU the peer must see (msg_server: CID_OTHER_ONLINE_USER_INFO), or undefined.
   */
  greeting?: () => Uint8Array | undefined;
  /** The master changed (undefined: none open any more). */
  onMasterChange?: (master: PeerConn | undefined) => void;
  /**
   * Rewrite (servers.md §6.6 item 6): keep what relay() cannot send while there is no master, in
   * order and bounded, and send it once a master is up. Absent: relay() is sendMaster().
   */
  relayQueue?: RelayQueueLimits & {
    /**
     * How long a new master must have been up before the queue goes out. route_server relays to
     * the links it has at that moment only (servers.md §5.6), and after a route_server restart the
     * other msg_servers reconnect on their own one-second ticks: flushing the instant our link is
     * up would hand the relays to a route_server with no link to the receivers' msg_server yet.
     * Every msg_server that lost the same route_server retries on the same back-off schedule
     * (§1.10), so they are back within about one tick of each other; the default waits two.
     * 0: flush right after the greeting.
     */
    flushDelayMs: number;
    /**
     * A master link that has been silent this long is treated like no master: relays queue
     * instead of going into a socket that may be dead (servers.md §6.2: a dead link is only
     * noticed at the 30 s timeout, and everything relayed meanwhile was lost). route_server sends
     * a heartbeat after 5 s without other traffic, so a live master is never this quiet; when it
     * is heard from again the queue goes out to it. 0: never (relays go to any open master).
     */
    quietAfterMs?: number;
  };
}

/**
 * The links to every route_server (servers.md §1.10). Status updates go to all open links;
 * everything else (relays, kicks, status queries) to the single master: the open link with the
 * oldest connect time, re-elected whenever the master closes, and told so with CID_OTHER_ROLE_SET.
 */
export class RouteLink extends LinkGroup {
  master: PeerConn | undefined;
  /** Relays waiting for a master (only with the relayQueue option). */
  readonly queue: RelayQueue | undefined;

  constructor(private readonly ropts: RouteLinkOptions) {
    super({ ...ropts, kind: 'route', timeWhileConnecting: true });
    this.queue = ropts.relayQueue ? new RelayQueue(ropts.relayQueue) : undefined;
  }

  /**
   * Send a relay that must survive a route_server outage: to the master, or queued behind the
   * relays already waiting (order is kept: nothing overtakes the queue, even once a master is up).
   * False only when it was neither sent nor queued (no queue configured, no master).
   */
  relay(frame: Uint8Array): boolean {
    const q = this.queue;
    if (!q) return this.sendMaster(frame);
    const now = nowMs();
    const quiet = this.masterQuiet(now);
    if (q.size === 0 && !quiet && this.sendMaster(frame)) return true;
    if (q.size === 0) {
      if (quiet) {
        this.log.warn({ peer: this.master!.peer, silentMs: now - this.master!.lastRecv, limits: q.limits },
          'route master link silent; queuing route relays until it is heard from or another master is up');
      } else {
        this.log.warn({ limits: q.limits }, 'no route master link; queuing route relays until one is up');
      }
    }
    q.push(frame, now);
    return true;
  }

  /** The master is open but has sent nothing for quietAfterMs: it may be dead without a FIN. */
  private masterQuiet(now: number): boolean {
    const m = this.master;
    const after = this.ropts.relayQueue?.quietAfterMs ?? 0;
    return m !== undefined && m.open && after > 0 && now - m.lastRecv > after;
  }

  /** Send to the master link; false (and nothing sent) when no route link is open. */
  sendMaster(frame: Uint8Array): boolean {
    const m = this.master;
    return m !== undefined && m.open && m.sendRaw(frame);
  }

  protected override onOpen(conn: PeerConn): void {
    if (!this.master) this.elect();
    const hello = this.ropts.greeting?.();
    if (hello) conn.sendRaw(hello);
    // The order route_server needs: ROLE_SET, ONLINE_USER_INFO (the table the relays are read
    // against), then the queued relays.
    if (this.ropts.relayQueue?.flushDelayMs === 0) this.flush();
  }

  override onTick(now: number): void {
    super.onTick(now);
    const q = this.queue;
    if (!q) return;
    q.expire(now);
    const m = this.master;
    if (q.size > 0 && m?.open && now - m.connectedAt >= this.ropts.relayQueue!.flushDelayMs && !this.masterQuiet(now)) this.flush();
    const d = q.takeDropped();
    if (d.overCap + d.tooOld > 0) {
      // The relays are of stored data (messages, read acks, notifies): receivers still get them from storage.
      this.log.warn({ overCap: d.overCap, tooOld: d.tooOld, queued: q.size, queuedBytes: q.bytes, limits: q.limits },
        'route relays dropped from the no-master queue; receivers on other msg_servers get them from storage');
    }
  }

  private flush(): void {
    const q = this.queue;
    if (!q || q.size === 0) return;
    const sent = q.drain((f) => this.sendMaster(f));
    this.log.info({ sent, remaining: q.size }, 'queued route relays sent to the master link');
  }

  protected override onClose(conn: PeerConn): void {
    if (this.master === conn) {
      this.master = undefined;
      this.elect();
    }
  }

  private elect(): void {
    let best: PeerConn | undefined;
    for (const c of this.openConns()) if (!best || c.connectedAt < best.connectedAt) best = c;
    this.master = best;
    if (best) {
      best.sendRaw(encodeFrame(CID_OTHER_ROLE_SET, ROLE_SET_MASTER));
      this.log.info({ peer: best.peer }, 'route master elected');
    }
    this.ropts.onMasterChange?.(best);
  }
}
