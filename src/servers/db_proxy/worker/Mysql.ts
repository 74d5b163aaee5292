import * as mysql from 'mysql2/promise';
import type { MysqlPoolConf } from '../DbProxyConfig';
import type { Logger } from '../../../util/log';
import { workerStats } from './WorkerStats';

export type SqlParam = number | string | null;
export type Row = Record<string, unknown>;

/** A MySQL failure with the pool and statement it happened on (never a bare driver error). */
export class DbError extends Error {
  override readonly name = 'DbError';
  /** Set by Mysql.tx: the failure came at COMMIT, so whether anything was stored is unknown. */
  atCommit = false;
  constructor(
    readonly pool: string,
    readonly sql: string,
    readonly code: string,
    message: string,
  ) {
    super(`${pool}: ${code}: ${message} [${sql.slice(0, 80)}]`);
    workerStats.backendError();
  }
}

/** Errors after which the connection is gone: worth one retry of an idempotent read. */
const CONNECTION_ERRORS = new Set([
  'PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT',
  'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ACQUIRE_TIMEOUT', 'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CONNECTION_KILLED', 'ENOTCONN', 'ECONNABORTED',
]);

export function isConnectionError(err: unknown): boolean {
  return err instanceof DbError && CONNECTION_ERRORS.has(err.code);
}

/**
 * DbError code of a statement MySQL did not answer within the statement timeout. Deliberately not
 * a connection error: retrying a statement on a hung server would only double the wait.
 */
export const STATEMENT_TIMEOUT = 'STATEMENT_TIMEOUT';

/**
 * One driver call on `c`, bounded by `ms`. mysql2's own `{sql, timeout}` option starts its timer
 * only when the EXECUTE command reaches the head of the connection's queue, not during PREPARE,
 * and leaves the timed-out command on the connection, where every later command of the next user
 * would queue behind it without a timer. So the bound is kept here, and on expiry the connection
 * is destroyed (removed from the pool; `release()` after that is a no-op) and a DbError
 * STATEMENT_TIMEOUT thrown. Whether the server applied the statement is unknown (it may have
 * received it), so callers treat a timed-out write like a failure at commit.
 */
async function bounded<T>(c: mysql.PoolConnection, ms: number, pool: string, sql: string, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // The destroyed connection rejects `call` later; nobody waits for it any more.
      call.catch(() => undefined);
      c.destroy();
      const e = new DbError(pool, sql, STATEMENT_TIMEOUT, `no answer within ${ms} ms; connection dropped`);
      e.atCommit = true;
      reject(e);
    }, ms);
  });
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One named pool (`teamtalk_master` or `teamtalk_slave`) of one worker. Statements are always
 * server-side prepared (`execute`) with parameters, never SQL pasted from values (db_proxy.md
 * §10.1); mysql2 caches the prepared statements per connection. No ping per statement: the driver
 * drops broken connections and the pool opens new ones (§8 Rewrite).
 */
export class Mysql {
  private readonly pool: mysql.Pool;

  constructor(
    readonly conf: MysqlPoolConf,
    connectionLimit: number,
    private readonly acquireTimeoutMs: number,
    /** Bound of one statement (prepare + execute), see bounded(). */
    private readonly statementTimeoutMs: number,
    private readonly log: Logger,
  ) {
    this.pool = mysql.createPool({
      host: conf.host,
      port: conf.port,
      user: conf.user,
      password: conf.password,
      database: conf.database,
      charset: 'utf8mb4',
      connectionLimit,
      waitForConnections: true,
      queueLimit: 0,
      connectTimeout: 3000,
      enableKeepAlive: true,
      // Numbers for BIGINT results (MAX(), COUNT()); our values all fit in 53 bits.
      supportBigNumbers: false,
      maxPreparedStatements: 2000,
      // No stack capture per call: it cost more CPU than some statements; DbError names the pool and SQL.
      trace: false,
    });
    // A pooled connection that dies while idle emits 'error' on itself; the pool already removed it.
    this.pool.on('connection', (c) => {
      (c as unknown as NodeJS.EventEmitter).on('error', (err: Error) => this.log.warn({ pool: conf.name, err: err.message }, 'mysql connection error'));
    });
  }

  /** A connection within the acquire timeout, or a DbError (never a wait without end, §8). */
  async acquire(): Promise<mysql.PoolConnection> {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const p = this.pool.getConnection();
    try {
      return await Promise.race([
        p,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            reject(new DbError(this.conf.name, '(acquire)', 'ACQUIRE_TIMEOUT', `no connection within ${this.acquireTimeoutMs} ms`));
          }, this.acquireTimeoutMs);
        }),
      ]);
    } catch (err) {
      if (timedOut) {
        // The connection may still arrive later: give it back instead of leaking it.
        p.then((c) => c.release(), () => undefined);
        throw err;
      }
      throw this.wrap(err, '(acquire)');
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /**
   * Open `n` connections now (kept idle in the pool), so the first burst of traffic after a start
   * does not wait for connection handshakes. Failures are left to the first real statement.
   */
  async warm(n: number): Promise<void> {
    const conns = await Promise.allSettled(Array.from({ length: n }, () => this.pool.getConnection()));
    for (const c of conns) if (c.status === 'fulfilled') c.value.release();
  }

  /** SELECT: rows as objects. Idempotent, so retried once after a lost connection. */
  async rows<T = Row>(sql: string, params: SqlParam[]): Promise<T[]> {
    try {
      return await this.rowsOnce<T>(sql, params);
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      return this.rowsOnce<T>(sql, params);
    }
  }

  private async rowsOnce<T>(sql: string, params: SqlParam[]): Promise<T[]> {
    const c = await this.acquire();
    try {
      const [rows] = await bounded(c, this.statementTimeoutMs, this.conf.name, sql, c.execute(sql, params));
      return rows as T[];
    } catch (err) {
      throw this.wrap(err, sql);
    } finally {
      c.release();
    }
  }

  /** INSERT/UPDATE/DELETE outside a transaction: affected rows and insert id. */
  async exec(sql: string, params: SqlParam[]): Promise<{ affectedRows: number; insertId: number }> {
    const c = await this.acquire();
    try {
      return await execOn(c, sql, params, this.conf.name, this.statementTimeoutMs);
    } finally {
      c.release();
    }
  }

  /**
   * One statement that is a transaction by itself (autocommit). On failure, DbError.atCommit says
   * the outcome is unknown: the statement may have reached the server before the connection broke
   * (a fatal driver error). Failing to get a connection, or an error the server reported, means it
   * was not applied.
   */
  async execAtomic(sql: string, params: SqlParam[]): Promise<{ affectedRows: number; insertId: number }> {
    const c = await this.acquire();
    try {
      const [res] = await bounded(c, this.statementTimeoutMs, this.conf.name, sql, c.execute(sql, params));
      const h = res as mysql.ResultSetHeader;
      return { affectedRows: h.affectedRows, insertId: h.insertId };
    } catch (err) {
      const e = this.wrap(err, sql);
      e.atCommit = e.atCommit || (err as { fatal?: boolean }).fatal === true;
      throw e;
    } finally {
      c.release();
    }
  }

  /**
   * Run `fn` in a transaction; commit on success, roll back on failure. The error's `atCommit`
   * tells the caller whether the outcome is unknown (false: nothing was stored, for sure).
   */
  async tx<T>(fn: (c: TxConn) => Promise<T>): Promise<T> {
    const c = await this.acquire();
    const ms = this.statementTimeoutMs;
    let stage: 'body' | 'commit' = 'body';
    try {
      await bounded(c, ms, this.conf.name, 'START TRANSACTION', c.query('START TRANSACTION'));
      const result = await fn(new TxConn(c, this.conf.name, ms));
      stage = 'commit';
      await bounded(c, ms, this.conf.name, 'COMMIT', c.query('COMMIT'));
      return result;
    } catch (err) {
      if (stage === 'body') {
        await bounded(c, ms, this.conf.name, 'ROLLBACK', c.query('ROLLBACK')).catch(() => undefined);
      }
      const e = err instanceof DbError ? err : this.wrap(err, stage === 'commit' ? 'COMMIT' : '(transaction)');
      // A timeout in the body rolled nothing forward: the connection was dropped before COMMIT.
      e.atCommit = stage === 'commit';
      throw e;
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  private wrap(err: unknown, sql: string): DbError {
    if (err instanceof DbError) return err;
    const e = err as { code?: string; message?: string };
    return new DbError(this.conf.name, sql, e.code ?? 'UNKNOWN', e.message ?? String(err));
  }
}

/** A connection inside Mysql.tx: same prepared-statement helpers. */
export class TxConn {
  constructor(private readonly c: mysql.PoolConnection, private readonly pool: string, private readonly timeoutMs: number) {}

  async rows<T = Row>(sql: string, params: SqlParam[]): Promise<T[]> {
    try {
      const [rows] = await bounded(this.c, this.timeoutMs, this.pool, sql, this.c.execute(sql, params));
      return rows as T[];
    } catch (err) {
      if (err instanceof DbError) throw err;
      const e = err as { code?: string; message?: string };
      throw new DbError(this.pool, sql, e.code ?? 'UNKNOWN', e.message ?? String(err));
    }
  }

  exec(sql: string, params: SqlParam[]): Promise<{ affectedRows: number; insertId: number }> {
    return execOn(this.c, sql, params, this.pool, this.timeoutMs);
  }
}

async function execOn(c: mysql.PoolConnection, sql: string, params: SqlParam[], pool: string, timeoutMs: number): Promise<{ affectedRows: number; insertId: number }> {
  try {
    const [res] = await bounded(c, timeoutMs, pool, sql, c.execute(sql, params));
    const h = res as mysql.ResultSetHeader;
    return { affectedRows: h.affectedRows, insertId: h.insertId };
  } catch (err) {
    if (err instanceof DbError) throw err;
    const e = err as { code?: string; message?: string };
    throw new DbError(pool, sql, e.code ?? 'UNKNOWN', e.message ?? String(err));
  }
}

/**
 * `?, ?, ?` for an IN list, padded to the next power of two by repeating the first value so that
 * a handful of prepared statements serve every list length (duplicates do not change IN).
 */
export function inList(values: number[]): { marks: string; params: number[] } {
  let n = 1;
  while (n < values.length) n <<= 1;
  const params = values.slice();
  while (params.length < n) params.push(values[0]!);
  return { marks: new Array(n).fill('?').join(','), params };
}
