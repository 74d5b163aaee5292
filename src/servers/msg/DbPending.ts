/**
 * Rewrite (servers.md §6.6, §6.8 "per-request timeouts with error replies"): the client requests
 * msg_server forwarded to db_proxy and whose reply has not come back. The original kept nothing, so
 * a request whose db_proxy link broke (or whose db_proxy hung) was never answered.
 *
 * One structure for the whole server, driven by the one-second Ticker (never a timer per request):
 * a FIFO of entries in send order (the timeout is the same for all, so the oldest expire first) and
 * an index by (handle, seq) to settle an entry when its reply arrives. An expired request whose
 * reply type has a failure field gets that failure reply with the request's seq; the others (lists,
 * message store: an IMMsgDataAck with msg_id 0 would read as "stored") are only counted in one log
 * line per tick. Bounded: at most MAX_PENDING live entries; beyond that the oldest expires early.
 *
 * Each entry also remembers the db_proxy link it went out on: when that link closes, its reply
 * can never come (db_proxy answers on the link it was asked on), so its entries expire at once by
 * the same rules instead of waiting out the timeout (expireLink).
 */

/** Live entries at most (one db_proxy that stopped answering under load must not grow memory). */
export const MAX_PENDING = 100_000;

/** Builds the failure reply body for the user the request came from. */
export type FailureReply = (userId: number) => Uint8Array;

export interface PendingRequest {
  handle: number;
  userId: number;
  seq: number;
  /** The command db_proxy answers with (and the failure reply is sent as). */
  replyCid: number;
  at: number;
  fail: FailureReply | undefined;
  done: boolean;
  /** The db_proxy link the request was sent on (identity only), if the caller said. */
  link: object | undefined;
}

/** What happened to one expired request (the server sends the reply, this class only decides). */
export type Expire = (p: PendingRequest) => void;

/**
 * Reply commands that get a failure reply on timeout, registered by the forward handlers when
 * they are built (module load, before any reply can arrive). A late reply of one of these whose
 * entry is gone was already answered with a failure: it is dropped, never a second reply. A late
 * reply of any other command is the first and only answer and goes to the client.
 */
const answeredOnTimeout = new Set<number>();

export function registerTimeoutReply(replyCid: number): void {
  answeredOnTimeout.add(replyCid);
}

export function answersOnTimeout(replyCid: number): boolean {
  return answeredOnTimeout.has(replyCid);
}

function keyOf(handle: number, seq: number): number {
  // handle is u32 and seq u16 (protocol.md §1.2): 48 bits, exact in a double.
  return handle * 0x10000 + seq;
}

export class DbPending {
  /** Same (handle, seq) may be in flight more than once (clients reuse seqs): a list per key, oldest first. */
  private readonly byKey = new Map<number, PendingRequest[]>();
  /** Live entries by the link they went out on. */
  private readonly byLink = new Map<object, Set<PendingRequest>>();
  private queue: PendingRequest[] = [];
  private head = 0;
  private liveCount = 0;

  constructor(readonly timeoutMs: number, private readonly expire: Expire, private readonly cap = MAX_PENDING) {}

  get size(): number {
    return this.liveCount;
  }

  track(handle: number, userId: number, seq: number, replyCid: number, fail: FailureReply | undefined, now: number, link?: object): void {
    if (this.liveCount >= this.cap) this.expireOldest();
    if (this.queue.length - this.head >= 2 * this.cap) this.compact();
    const p: PendingRequest = { handle, userId, seq, replyCid, at: now, fail, done: false, link };
    if (link) {
      const set = this.byLink.get(link);
      if (set) set.add(p);
      else this.byLink.set(link, new Set([p]));
    }
    const k = keyOf(handle, seq);
    const list = this.byKey.get(k);
    if (list) list.push(p);
    else this.byKey.set(k, [p]);
    this.queue.push(p);
    this.liveCount++;
  }

  /** A reply arrived: true if it was awaited (and is no longer), false if nothing was waiting for it. */
  settle(handle: number, seq: number, replyCid: number): boolean {
    const k = keyOf(handle, seq);
    const list = this.byKey.get(k);
    if (!list) return false;
    const i = list.findIndex((p) => p.replyCid === replyCid);
    if (i < 0) return false;
    this.remove(list[i]!);
    return true;
  }

  /** Take this very entry out (a reused seq may have others with the same key). */
  private remove(p: PendingRequest): void {
    const k = keyOf(p.handle, p.seq);
    const list = this.byKey.get(k);
    const i = list ? list.indexOf(p) : -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length === 0) this.byKey.delete(k);
    p.done = true;
    this.liveCount--;
    if (p.link) {
      const set = this.byLink.get(p.link);
      set?.delete(p);
      if (set?.size === 0) this.byLink.delete(p.link);
    }
  }

  /**
   * The link closed: every live entry sent on it expires now, oldest first (their FIFO slots are
   * left behind as settled), through `expire` (default: the timeout's). Returns how many expired.
   */
  expireLink(link: object, expire: Expire = this.expire): number {
    const set = this.byLink.get(link);
    if (!set) return 0;
    this.byLink.delete(link);
    const live = [...set]; // insertion order: send order
    for (const p of live) {
      p.link = undefined; // already out of byLink
      this.remove(p);
      expire(p);
    }
    return live.length;
  }

  /** Expire every entry older than the timeout (called once per tick with the monotonic clock). */
  onTick(now: number): void {
    const q = this.queue;
    while (this.head < q.length) {
      const p = q[this.head]!;
      if (!p.done && now - p.at < this.timeoutMs) break;
      this.head++;
      if (!p.done) this.drop(p);
    }
    if (this.head === q.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
  }

  private expireOldest(): void {
    const q = this.queue;
    while (this.head < q.length) {
      const p = q[this.head++]!;
      if (!p.done) { this.drop(p); return; }
    }
  }

  /** Settled entries wait in the FIFO behind older live ones; past 2 x cap they are squeezed out. */
  private compact(): void {
    this.queue = this.queue.slice(this.head).filter((p) => !p.done);
    this.head = 0;
  }

  private drop(p: PendingRequest): void {
    this.remove(p);
    this.expire(p);
  }
}
