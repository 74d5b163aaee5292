import type { Mysql } from '../worker/Mysql';
import { USER_COLUMNS, UserRow } from '../models/UserModel';

/** Most names in one lookup query; padded up to a power of two so few statements get prepared. */
const MAX_BATCH = 128;
/** One lookup query in flight per worker: logins arriving meanwhile queue and share the next one
 * (the round trip, not the rows, is the cost; one at a time makes the batches as large as they get). */
const MAX_IN_FLIGHT = 1;

interface Waiter {
  name: string;
  resolve: (row: UserRow | null) => void;
  reject: (err: unknown) => void;
}

/**
 * The login lookup of CID_OTHER_VALIDATE_REQ (db_proxy.md §6.1), batched: every login that arrives
 * while earlier lookups are in flight shares one `name IN (...)` query, like a group commit. In a
 * login storm this turns one round trip (statement write, parse, row decode, wake-up) per login
 * into one per batch, which is most of db_proxy's and MariaDB's work per login. Nothing is cached:
 * every login reads the current row, so a password changed by the admin applies to the very next
 * login, and the password check itself is unchanged (handlers/login.ts).
 *
 * Same rows as the single query `WHERE name = ? AND status = 0 ORDER BY id`, last row wins:
 * MariaDB does the matching (`name IN (?, ...)` compares each value exactly like `name = ?`), and
 * rows are mapped back to requests by the PAD SPACE rule of the column's utf8mb4_bin collation
 * (trailing spaces do not count), so a name matches here exactly when it matched alone.
 */
export class ValidateLookup {
  private queue: Waiter[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly slave: Mysql) {}

  activeByName(name: string): Promise<UserRow | null> {
    return new Promise<UserRow | null>((resolve, reject) => {
      this.queue.push({ name, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Flush after the current turn of the event loop, so every request the worker received in one
   * go joins the same query; when all query slots are busy, the next completion flushes instead.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
      this.queue = batch === this.queue ? [] : this.queue.slice(MAX_BATCH);
      this.inFlight++;
      this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private async run(batch: Waiter[]): Promise<void> {
    let rows: UserRow[];
    try {
      const params = batch.map((w) => w.name);
      let n = 1;
      while (n < params.length) n <<= 1;
      while (params.length < n) params.push(params[0]!);
      const marks = new Array<string>(n).fill('?').join(',');
      rows = await this.slave.rows<UserRow>(`SELECT ${USER_COLUMNS} FROM IMUser WHERE name IN (${marks}) AND status = 0 ORDER BY id`, params);
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    const byName = new Map<string, UserRow>();
    for (const r of rows) byName.set(padKey(r.name), r); // ORDER BY id: the last row per name wins
    for (const w of batch) w.resolve(byName.get(padKey(w.name)) ?? null);
  }
}

/** utf8mb4_bin is a PAD SPACE collation: 'a' = 'a  ' in MariaDB, so compare without trailing spaces. */
function padKey(s: string): string {
  return s.endsWith(' ') ? s.replace(/ +$/, '') : s;
}

const perWorker = new WeakMap<Mysql, ValidateLookup>();

/** The worker's lookup batcher for this pool (one per worker thread, like the pool itself). */
export function validateLookup(slave: Mysql): ValidateLookup {
  let v = perWorker.get(slave);
  if (!v) {
    v = new ValidateLookup(slave);
    perWorker.set(slave, v);
  }
  return v;
}
