import type { Logger } from '../../../util/log';
import { DbError, inList, isConnectionError, Mysql } from '../worker/Mysql';
import type { RedisRoles } from '../worker/RedisRoles';
import { RedisKey } from '../worker/RedisRoles';
import { GROUP_TABLES, SHARDS, SINGLE_TABLES } from './MessageModel';
import { GROUP_MSG_STORED } from './UnreadScripts';
import { unixNow } from './time';
import { workerStats } from '../worker/WorkerStats';

interface RowBase {
  from: number;
  msgId: number;
  content: string;
  type: number;
  created: number;
  /** Session rows to make visible and touch with "now" (sender's, and receiver's for single). */
  sessionIds: number[];
}
export interface SingleRow extends RowBase { kind: 'single'; relation: number; to: number }
export interface GroupRow extends RowBase { kind: 'group'; group: number }
export type MessageRow = SingleRow | GroupRow;

interface Pending {
  row: MessageRow;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Largest multi-row INSERT; batches are cut into power-of-two chunks so few statements get prepared. */
const MAX_CHUNK = 64;
/** How long a batch keeps retrying while MySQL is unreachable (it was definitely not stored). */
const RETRY_WINDOW_MS = 3000;
const RETRY_PAUSE_MS = 200;

/**
 * The write side of CID_MSG_DATA with group commit (db_proxy.md §10 Rewrite: a message is acked
 * only after it is durably stored). Every message handed in while a commit is running joins the
 * next batch; a batch is a multi-row INSERT per shard table (see commit()). The returned promise
 * resolves after the row's statement committed (and the unread counters), so the caller's ack
 * implies durability; it rejects when the row was not stored, with DbError.atCommit set when that
 * is not certain (the connection broke after the statement was sent).
 */
export class MessageStore {
  private queue: Pending[] = [];
  private busy = false;
  /** Unread-counter updates sent but not answered yet. */
  private readonly counting = new Set<Promise<void>>();
  /** Figures for the bench and tests. */
  batches = 0;
  rows = 0;

  constructor(
    private readonly master: Mysql,
    private readonly redis: RedisRoles,
    private readonly batchMax: number,
    private readonly log: Logger,
  ) {}

  store(row: MessageRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.busy) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchMax);
        await this.commit(batch);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * One batch. Each shard table gets multi-row INSERTs, each one statement in autocommit (atomic
   * and durable by itself: innodb_flush_log_at_trx_commit=1); the tables are written in parallel
   * on separate pooled connections, so InnoDB's group commit flushes them together and a batch
   * costs about one round trip and one log flush instead of the four round trips of
   * BEGIN/INSERT/UPDATE/COMMIT. The session touches and the groups' lastChated run alongside:
   * they are bookkeeping, not the message (the original never made them atomic with it), so their
   * failure is logged and does not fail the messages. Rows are resolved in queue order after their
   * statement succeeded and the unread counters were updated.
   */
  private async commit(batch: Pending[]): Promise<void> {
    const t0 = process.hrtime.bigint();
    const rows = batch.map((p) => p.row);
    const side = this.touch(rows);
    const failed = new Set<Pending>();
    await Promise.all([...byTable(batch)].map(async ([table, list]) => {
      // Chunks of one table run in order, so rows keep msg id order within a conversation.
      for (const chunk of pow2Chunks(list)) {
        try {
          await this.withRetry(() => this.insert(table, chunk.map((p) => p.row)));
        } catch (err) {
          const e = err as Error;
          this.log.error({ table, rows: chunk.length, err: e.message, atCommit: err instanceof DbError && err.atCommit }, 'message rows not stored');
          for (const p of chunk) { failed.add(p); p.reject(e); }
        }
      }
    }));
    await side;
    const stored = failed.size === 0 ? batch : batch.filter((p) => !failed.has(p));
    if (failed.size > 0) workerStats.batchFailed();
    if (stored.length === 0) return;
    this.batches++;
    this.rows += stored.length;
    workerStats.batchStored(stored.length, Number(process.hrtime.bigint() - t0) / 1e9);
    // The counters' commands are written to Redis now, before any ack leaves this thread, so a
    // reader's later read-ack (several process hops behind the ack) cannot overtake them; the
    // ack does not wait for Redis's answer (a failure is only logged, as before): ack right
    // after the commit, one round trip less on every message's path.
    const counting = this.countUnread(stored.map((p) => p.row));
    this.counting.add(counting);
    void counting.then(() => this.counting.delete(counting));
    for (const p of stored) p.resolve();
  }

  /** Resolves when every unread-counter update handed to Redis has been answered (shutdown). */
  async settled(): Promise<void> {
    while (this.counting.size > 0) await Promise.all([...this.counting]);
  }

  /** One multi-row INSERT into one shard table, as its own (autocommit) transaction. */
  private async insert(table: string, chunk: MessageRow[]): Promise<void> {
    const single = chunk[0]!.kind === 'single';
    const values = new Array(chunk.length).fill(single ? '(?,?,?,?,?,?,0,?,?)' : '(?,?,?,?,?,0,?,?)').join(',');
    const params: Array<number | string> = [];
    for (const r of chunk) {
      if (r.kind === 'single') params.push(r.relation, r.from, r.to, r.msgId, r.content, r.type, r.created, r.created);
      else params.push(r.group, r.from, r.msgId, r.content, r.type, r.created, r.created);
    }
    await this.master.execAtomic(single
      ? `INSERT INTO ${table} (relateId, fromId, toId, msgId, content, type, status, created, updated) VALUES ${values}`
      : `INSERT INTO ${table} (groupId, userId, msgId, content, type, status, created, updated) VALUES ${values}`, params);
  }

  /** B2 ensure + touch in one statement (visible again, moved up; §6.10 steps 2, 3, 6) and the groups' lastChated. Never rejects. */
  private async touch(rows: MessageRow[]): Promise<void> {
    const now = unixNow();
    const statements: Array<Promise<unknown>> = [];
    const sessions = unique(rows.flatMap((r) => r.sessionIds).filter((id) => id > 0));
    for (const chunk of pow2Chunks(sessions)) {
      const { marks, params } = inList(chunk);
      statements.push(this.master.exec(`UPDATE IMRecentSession SET status = 0, updated = ? WHERE id IN (${marks})`, [now, ...params]));
    }
    const groups = unique(rows.filter((r): r is GroupRow => r.kind === 'group').map((r) => r.group));
    for (const chunk of pow2Chunks(groups)) {
      const { marks, params } = inList(chunk);
      statements.push(this.master.exec(`UPDATE IMGroup SET lastChated = ? WHERE id IN (${marks})`, [now, ...params]));
    }
    for (const r of await Promise.allSettled(statements)) {
      if (r.status === 'rejected') this.log.error({ err: (r.reason as Error).message }, 'sessions or group lastChated not touched for stored messages');
    }
  }

  /** Counters after COMMIT, in one pipeline. A failure here leaves the messages stored: log only. */
  private async countUnread(rows: MessageRow[]): Promise<void> {
    try {
      await this.redis.run('unread', 'count unread', async (r) => {
        const p = r.pipeline();
        for (const row of rows) {
          if (row.kind === 'single') p.hincrby(RedisKey.unread(row.to), String(row.from), 1);
          else p.eval(GROUP_MSG_STORED, 2, RedisKey.groupCounter(row.group), RedisKey.userGroupCounter(row.from, row.group));
        }
        const results = await p.exec();
        const failed = (results ?? []).find(([err]) => err);
        if (failed) throw failed[0] as Error;
      });
    } catch (err) {
      this.log.error({ rows: rows.length, err: (err as Error).message }, 'messages stored but unread counters not updated');
    }
  }

  /** Retry while the failure left nothing stored and MySQL may be coming back (restart, failover). */
  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + RETRY_WINDOW_MS;
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        // A deadlock victim was rolled back entirely, so it is as safe to retry as a lost connection.
        const deadlock = err instanceof DbError && (err.code === 'ER_LOCK_DEADLOCK' || err.code === 'ER_LOCK_WAIT_TIMEOUT');
        const retryable = (isConnectionError(err) || deadlock) && !(err as DbError).atCommit;
        if (!retryable || Date.now() + RETRY_PAUSE_MS > deadline) throw err;
        this.log.warn({ err: (err as Error).message }, 'message batch: MySQL unavailable; retrying');
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
      }
    }
  }

  get pending(): number {
    return this.queue.length;
  }
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}

/** A batch by shard table, queue order kept within each table. */
function byTable(batch: Pending[]): Map<string, Pending[]> {
  const out = new Map<string, Pending[]>();
  for (const p of batch) {
    const r = p.row;
    const table = r.kind === 'single' ? SINGLE_TABLES[r.relation % SHARDS]! : GROUP_TABLES[r.group % SHARDS]!;
    const list = out.get(table);
    if (list) list.push(p); else out.set(table, [p]);
  }
  return out;
}

/** Split into chunks whose sizes are powers of two (<= MAX_CHUNK): 100 -> 64, 32, 4. */
export function pow2Chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  while (i < items.length) {
    let n = MAX_CHUNK;
    while (n > items.length - i) n >>= 1;
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}
