/** What a msg_server told us in CID_OTHER_MSG_SERV_INFO, kept up to date by CID_OTHER_USER_CNT_UPDATE. */
export interface MsgServerRecord {
  ip1: string;
  ip2: string;
  port: number;
  maxConnCnt: number;
  curConnCnt: number;
  hostName: string;
}

/** servers.md §3.3 outcome: 0 = use `server`, 1 = none registered, 2 = every one is full. */
export type Selection =
  | { code: 0; server: MsgServerRecord }
  | { code: 1 }
  | { code: 2 };

export const SELECT_OK = 0;
export const SELECT_NO_MSG_SERVER = 1;
export const SELECT_FULL = 2;

/** CID_OTHER_USER_CNT_UPDATE actions (protocol.md §3.4.8). */
export const USER_CNT_INC = 1;
export const USER_CNT_DEC = 2;

interface Entry {
  /** Accept order of the link: the tie-break of §3.3 (the original walked descriptor order). */
  order: number;
  record: MsgServerRecord;
}

/**
 * login_server's in-memory registry of msg_servers (servers.md §3.2), one record per registered
 * link, and the exact selection rule of §3.3. Nothing persists: msg_servers re-register after a
 * login_server restart.
 */
export class MsgServerRegistry<K> {
  private readonly entries = new Map<K, Entry>();
  private totalCount = 0;

  get size(): number { return this.entries.size; }

  /** Sum of every record's current count; only logged, as in the original. */
  get total(): number { return this.totalCount; }

  get(key: K): MsgServerRecord | undefined {
    return this.entries.get(key)?.record;
  }

  /** Every registered msg_server, in no particular order (tests and diagnostics). */
  *records(): IterableIterator<MsgServerRecord> {
    for (const e of this.entries.values()) yield e.record;
  }

  /**
   * CID_OTHER_MSG_SERV_INFO. Original bug (servers.md §3.2): a second one on the same link leaked a
   * record and double-counted the total. Rewrite: it replaces the link's record.
   */
  register(key: K, order: number, record: MsgServerRecord): void {
    const old = this.entries.get(key);
    if (old) this.totalCount -= old.record.curConnCnt;
    this.entries.set(key, { order: old?.order ?? order, record: { ...record } });
    this.totalCount += record.curConnCnt;
  }

  /**
   * CID_OTHER_USER_CNT_UPDATE. Returns false when the link never registered (ignored, §3.2) or the
   * action is unknown. Original bug: any action other than 1 decremented and the unsigned counters
   * wrapped below zero. Rewrite: 1 increments, 2 decrements, counts never go below 0, other actions
   * are refused (the caller logs them).
   */
  adjust(key: K, action: number): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    if (action === USER_CNT_INC) {
      e.record.curConnCnt++;
      this.totalCount++;
      return true;
    }
    if (action === USER_CNT_DEC) {
      if (e.record.curConnCnt > 0) {
        e.record.curConnCnt--;
        this.totalCount--;
      }
      return true;
    }
    return false;
  }

  /** The link closed: the msg_server becomes unavailable to new clients at once. */
  unregister(key: K): MsgServerRecord | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.totalCount -= e.record.curConnCnt;
    return e.record;
  }

  /**
   * servers.md §3.3: among records below their maximum, the strictly smallest current count; ties go
   * to the oldest link. Empty registry -> 1; none below maximum -> 2.
   */
  select(): Selection {
    if (this.entries.size === 0) return { code: SELECT_NO_MSG_SERVER };
    let best: Entry | undefined;
    for (const e of this.entries.values()) {
      const r = e.record;
      if (r.curConnCnt >= r.maxConnCnt) continue;
      if (!best || r.curConnCnt < best.record.curConnCnt || (r.curConnCnt === best.record.curConnCnt && e.order < best.order)) {
        best = e;
      }
    }
    return best ? { code: SELECT_OK, server: best.record } : { code: SELECT_FULL };
  }
}
