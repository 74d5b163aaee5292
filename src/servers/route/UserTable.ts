/**
 * route_server's presence registry (servers.md §5.2, §5.3): user id -> the links on which the user
 * was reported online, and per link the number of online terminals of each client type.
 *
 * Rewrite (servers.md §6.8, §6.7 item 20): the original keeps one client-type count per user summed
 * over all links, so a departed msg_server's terminals stay counted forever and a quick reconnect
 * doubles them. We keep the counts per link; the user-level view (what status queries and the
 * notify rules of §5.4 see) is their sum, which is identical to the original whenever nothing went
 * wrong. Dropping a link therefore drops exactly its terminals, and an offline update from a link
 * can only remove a terminal that link reported.
 */

export const USER_STATUS_ONLINE = 1;
export const USER_STATUS_OFFLINE = 2;

/** servers.md §4.2: PC types (Windows 0x01, Mac 0x02) have bit 0x10 clear; mobile ones have it set. */
export function isPcType(clientType: number): boolean {
  return (clientType & 0x10) === 0;
}

/** What one update did, as far as §5.4's notify rules need to know. */
export interface UpdateOutcome {
  /** The update changed the table (ignored offline updates leave it untouched). */
  applied: boolean;
  /** The user is still in the table afterwards. */
  exists: boolean;
  /** The user has a PC terminal somewhere afterwards. */
  hasPc: boolean;
}

/** A user who lost every PC terminal because a link went away. */
export interface LostPresence {
  userId: number;
  /** Still online on some other link (mobile only, necessarily). */
  exists: boolean;
}

/**
 * One (link, client type) pair of a user with its terminal count (always >= 1), chained per user.
 * Rewrite for memory: a Map per user and another per (user, link) cost about 350 bytes for the
 * usual user (one terminal on one link); one small record costs about 50. Users rarely have more
 * than two records, so walking the chain is as fast as a lookup.
 */
class Terminals<L> {
  constructor(
    readonly link: L,
    readonly clientType: number,
    public count: number,
    public next: Terminals<L> | undefined,
  ) {}
}

export class UserTable<L> {
  /** user id -> that user's (link, client type, count) records. */
  private readonly users = new Map<number, Terminals<L>>();
  /** link -> the users that link reported, so a link's departure costs O(its users). */
  private readonly byLink = new Map<L, Set<number>>();

  get size(): number { return this.users.size; }

  has(userId: number): boolean { return this.users.has(userId); }

  /**
   * servers.md §5.3, applied per link. `status` 2 is offline; any other value counts as online.
   */
  apply(link: L, userId: number, status: number, clientType: number): UpdateOutcome {
    const online = status !== USER_STATUS_OFFLINE;
    const head = this.users.get(userId);
    let onLink = false;
    let found: Terminals<L> | undefined;
    for (let t = head; t; t = t.next) {
      if (t.link !== link) continue;
      onLink = true;
      if (t.clientType === clientType) { found = t; break; }
    }
    // Offline from a link that never reported the user: ignored (not applied).
    if (!online && !onLink) return this.outcome(userId, false);
    if (online) {
      if (found) found.count++;
      else {
        this.users.set(userId, new Terminals(link, clientType, 1, head));
        if (!onLink) this.linkUsers(link).add(userId);
      }
    } else if (found) {
      if (found.count > 1) found.count--;
      else this.unlink(userId, found);
    }
    return this.outcome(userId, true);
  }

  /** True when some PC-type terminal of the user is online on any link. */
  hasPcClient(userId: number): boolean {
    for (let t = this.users.get(userId); t; t = t.next) if (isPcType(t.clientType)) return true;
    return false;
  }

  /** servers.md §5.3: ONLINE iff a PC client is online; mobile-only users are OFFLINE, "leave" is never reported. */
  status(userId: number): number {
    return this.hasPcClient(userId) ? USER_STATUS_ONLINE : USER_STATUS_OFFLINE;
  }

  /** Client type -> terminals, summed over links (the original's single count map). */
  typeCounts(userId: number): Map<number, number> {
    const sum = new Map<number, number>();
    for (let t = this.users.get(userId); t; t = t.next) sum.set(t.clientType, (sum.get(t.clientType) ?? 0) + t.count);
    return sum;
  }

  /** How many links report the user (tests and metrics). */
  linkCount(userId: number): number {
    const seen = new Set<L>();
    for (let t = this.users.get(userId); t; t = t.next) seen.add(t.link);
    return seen.size;
  }

  /**
   * servers.md §5.8: forget a link. Returns the users that had a PC terminal before and have none
   * now, so the caller can announce them offline (Rewrite; the original stayed silent).
   */
  removeLink(link: L): LostPresence[] {
    const ids = this.byLink.get(link);
    this.byLink.delete(link);
    if (!ids) return [];
    const lost: LostPresence[] = [];
    for (const userId of ids) {
      const head = this.users.get(userId);
      if (!head) continue;
      const hadPc = this.hasPcClient(userId);
      let kept: Terminals<L> | undefined;
      let tail: Terminals<L> | undefined;
      for (let t: Terminals<L> | undefined = head, after: Terminals<L> | undefined; t; t = after) {
        after = t.next;
        if (t.link === link) continue;
        t.next = undefined;
        if (tail) tail.next = t; else kept = t;
        tail = t;
      }
      if (kept) this.users.set(userId, kept); else this.users.delete(userId);
      if (hadPc && !this.hasPcClient(userId)) lost.push({ userId, exists: this.users.has(userId) });
    }
    return lost;
  }

  private linkUsers(link: L): Set<number> {
    let s = this.byLink.get(link);
    if (!s) { s = new Set(); this.byLink.set(link, s); }
    return s;
  }

  /** Remove one record; when it was the user's last one on its link, the link forgets the user. */
  private unlink(userId: number, gone: Terminals<L>): void {
    let head = this.users.get(userId);
    let prev: Terminals<L> | undefined;
    for (let t = head; t; prev = t, t = t.next) {
      if (t !== gone) continue;
      if (prev) prev.next = t.next; else head = t.next;
      break;
    }
    if (head) this.users.set(userId, head); else this.users.delete(userId);
    for (let t = head; t; t = t.next) if (t.link === gone.link) return;
    this.byLink.get(gone.link)?.delete(userId);
  }

  private outcome(userId: number, applied: boolean): UpdateOutcome {
    return { applied, exists: this.users.has(userId), hasPc: this.hasPcClient(userId) };
  }
}
