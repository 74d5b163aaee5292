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

type TypeCounts = Map<number, number>;

export class UserTable<L> {
  /** user id -> link -> client type -> count (counts are always >= 1; zero entries are removed). */
  private readonly users = new Map<number, Map<L, TypeCounts>>();
  /** link -> the users that link reported, so a link's departure costs O(its users). */
  private readonly byLink = new Map<L, Set<number>>();

  get size(): number { return this.users.size; }

  has(userId: number): boolean { return this.users.has(userId); }

  /**
   * servers.md §5.3, applied per link. `status` 2 is offline; any other value counts as online.
   */
  apply(link: L, userId: number, status: number, clientType: number): UpdateOutcome {
    const online = status !== USER_STATUS_OFFLINE;
    let links = this.users.get(userId);
    if (!links) {
      if (!online) return this.outcome(userId, false);
      links = new Map();
      this.users.set(userId, links);
    }
    let counts = links.get(link);
    if (!counts) {
      if (!online) return this.outcome(userId, false);
      counts = new Map();
      links.set(link, counts);
      this.linkUsers(link).add(userId);
    }
    if (online) {
      counts.set(clientType, (counts.get(clientType) ?? 0) + 1);
    } else {
      const n = counts.get(clientType) ?? 0;
      if (n > 1) counts.set(clientType, n - 1);
      else counts.delete(clientType);
      if (counts.size === 0) this.dropLinkOfUser(userId, links, link);
    }
    return this.outcome(userId, true);
  }

  /** True when some PC-type terminal of the user is online on any link. */
  hasPcClient(userId: number): boolean {
    const links = this.users.get(userId);
    if (!links) return false;
    for (const counts of links.values()) {
      for (const t of counts.keys()) if (isPcType(t)) return true;
    }
    return false;
  }

  /** servers.md §5.3: ONLINE iff a PC client is online; mobile-only users are OFFLINE, "leave" is never reported. */
  status(userId: number): number {
    return this.hasPcClient(userId) ? USER_STATUS_ONLINE : USER_STATUS_OFFLINE;
  }

  /** Client type -> terminals, summed over links (the original's single count map). */
  typeCounts(userId: number): Map<number, number> {
    const sum = new Map<number, number>();
    for (const counts of this.users.get(userId)?.values() ?? []) {
      for (const [t, n] of counts) sum.set(t, (sum.get(t) ?? 0) + n);
    }
    return sum;
  }

  /** How many links report the user (tests and metrics). */
  linkCount(userId: number): number {
    return this.users.get(userId)?.size ?? 0;
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
      const links = this.users.get(userId);
      if (!links) continue;
      const hadPc = this.hasPcClient(userId);
      links.delete(link);
      if (links.size === 0) this.users.delete(userId);
      if (hadPc && !this.hasPcClient(userId)) lost.push({ userId, exists: this.users.has(userId) });
    }
    return lost;
  }

  private linkUsers(link: L): Set<number> {
    let s = this.byLink.get(link);
    if (!s) { s = new Set(); this.byLink.set(link, s); }
    return s;
  }

  private dropLinkOfUser(userId: number, links: Map<L, TypeCounts>, link: L): void {
    links.delete(link);
    this.byLink.get(link)?.delete(userId);
    if (links.size === 0) this.users.delete(userId);
  }

  private outcome(userId: number, applied: boolean): UpdateOutcome {
    return { applied, exists: this.users.has(userId), hasPc: this.hasPcClient(userId) };
  }
}
