import * as os from 'node:os';
import { ConfFile, ConfError } from '../../conf/ConfFile';

/** One MySQL pool of `DBInstances` (schema.md §6.2). */
export interface MysqlPoolConf {
  name: string;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  maxConn: number;
}

/** The five Redis roles the original hard-codes (schema.md §5.1). `sync` is configured but unused. */
export type RedisRole = 'unread' | 'group_set' | 'token' | 'sync' | 'group_member';
export const REDIS_ROLES: readonly RedisRole[] = ['unread', 'group_set', 'token', 'sync', 'group_member'];
/** Roles the handlers actually use: a configuration must name these. */
const REQUIRED_ROLES: readonly RedisRole[] = ['unread', 'group_set', 'token', 'group_member'];

export interface RedisPoolConf {
  name: RedisRole;
  host: string;
  port: number;
  db: number;
  maxConn: number;
}

/**
 * Everything db_proxy reads from dbproxyserver.conf, as plain data so it can be handed to worker
 * threads unchanged (workerData is structured-cloned).
 */
export interface DbProxyConfig {
  file: string;
  listenIps: string[];
  listenPort: number;
  /** Upper bound of worker threads (db_proxy.md §2.6). */
  threadNum: number;
  /** Base URL for audio uploads, with `/` appended like the original (db_proxy.md §1 step 7). */
  msfsSite: string;
  aesKey: string;
  master: MysqlPoolConf;
  slave: MysqlPoolConf;
  redis: Record<RedisRole, RedisPoolConf | undefined>;
  // Rewrite: optional settings with defaults (schema.md §6.2 Rewrite: new keys must be optional).
  /** Give up waiting for a pooled MySQL connection after this long and fail the request. */
  mysqlAcquireTimeoutMs: number;
  /**
   * Longest wait for one statement's answer (prepare and execute). mysql2 has no per-statement
   * bound, so a hung MariaDB (accepting bytes, never answering) would leave requests silent.
   */
  mysqlStatementTimeoutMs: number;
  /** Redis command timeout; an outage then yields an error reply instead of a hang. */
  redisCommandTimeoutMs: number;
  /** Most CID_MSG_DATA rows one group-commit transaction takes. */
  msgBatchMax: number;
  /** SyncCenter period (db_proxy.md §7.3: 5 s). */
  syncIntervalMs: number;
  /** Not from the file: shared memory for the workers' metrics figures (worker/WorkerStats.ts), set by index.ts. */
  workerStats?: SharedArrayBuffer;
}

export function loadDbProxyConfig(path: string): DbProxyConfig {
  const conf = ConfFile.load(path);
  const aesKey = conf.str('aesKey');
  if (Buffer.byteLength(aesKey) !== 32) {
    throw new ConfError(path, 'aesKey', `must be exactly 32 characters, got ${Buffer.byteLength(aesKey)}`);
  }
  const threadNum = conf.int('ThreadNum');
  if (threadNum < 1) throw new ConfError(path, 'ThreadNum', `must be at least 1, got ${threadNum}`);

  const dbNames = conf.nameList('DBInstances');
  const mysqlPool = (name: string): MysqlPoolConf => {
    if (!dbNames.includes(name)) throw new ConfError(path, 'DBInstances', `must list ${name}`);
    return {
      name,
      host: conf.str(`${name}_host`),
      port: conf.port(`${name}_port`),
      database: conf.str(`${name}_dbname`),
      user: conf.str(`${name}_username`),
      // The reader drops lines with an empty value, so an empty password is simply absent.
      password: conf.optStr(`${name}_password`, ''),
      maxConn: positive(conf, `${name}_maxconncnt`),
    };
  };

  const cacheNames = conf.nameList('CacheInstances');
  const redis = {} as Record<RedisRole, RedisPoolConf | undefined>;
  for (const role of REDIS_ROLES) {
    if (!cacheNames.includes(role)) {
      if (REQUIRED_ROLES.includes(role)) throw new ConfError(path, 'CacheInstances', `must list ${role}`);
      redis[role] = undefined;
      continue;
    }
    redis[role] = {
      name: role,
      host: conf.str(`${role}_host`),
      port: conf.port(`${role}_port`),
      db: conf.int(`${role}_db`),
      maxConn: positive(conf, `${role}_maxconncnt`),
    };
  }

  return {
    file: path,
    listenIps: conf.ipList('ListenIP'),
    listenPort: conf.port('ListenPort'),
    threadNum,
    msfsSite: `${conf.str('MsfsSite')}/`,
    aesKey,
    master: mysqlPool('teamtalk_master'),
    slave: mysqlPool('teamtalk_slave'),
    redis,
    mysqlAcquireTimeoutMs: conf.optInt('MysqlAcquireTimeoutMs', 5000),
    mysqlStatementTimeoutMs: conf.optInt('MysqlStatementTimeoutMs', 10_000),
    redisCommandTimeoutMs: conf.optInt('RedisCommandTimeoutMs', 3000),
    msgBatchMax: conf.optInt('MsgBatchMax', 256),
    syncIntervalMs: conf.optInt('SyncIntervalMs', 5000),
  };
}

/**
 * Worker threads actually started: ThreadNum is the upper bound, the core count the useful
 * maximum, because database I/O in Node does not block a thread (db_proxy.md §2.6).
 */
export function workerCount(cfg: DbProxyConfig): number {
  return Math.max(1, Math.min(cfg.threadNum, os.availableParallelism()));
}

function positive(conf: ConfFile, key: string): number {
  const n = conf.int(key);
  if (n < 1) throw new ConfError(conf.path, key, `must be at least 1, got ${n}`);
  return n;
}
