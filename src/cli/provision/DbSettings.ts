import { ConfFile } from '../../conf/ConfFile';

/** The five Redis pool names db_proxy hard-codes (schema.md §5.1), in the order of their test db offsets. */
export const REDIS_POOLS = ['unread', 'group_set', 'sync', 'token', 'group_member'] as const;
export type RedisPool = (typeof REDIS_POOLS)[number];

export interface MysqlSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface RedisSettings {
  host: string;
  port: number;
  /** db number of each pool */
  dbs: Record<RedisPool, number>;
}

export interface DbSettings {
  mysql: MysqlSettings;
  redis: RedisSettings;
}

/**
 * What provisioning must make reachable, read from dbproxyserver.conf: the master MySQL pool (the
 * slave is expected to be the same server, as in both original samples) and the Redis pools.
 */
export function dbSettingsFromConf(conf: ConfFile): DbSettings {
  const m = conf.nameList('DBInstances').includes('teamtalk_master') ? 'teamtalk_master' : conf.nameList('DBInstances')[0]!;
  const mysql: MysqlSettings = {
    host: conf.str(`${m}_host`),
    port: conf.port(`${m}_port`),
    user: conf.str(`${m}_username`),
    password: conf.optStr(`${m}_password`, ''),
    database: conf.str(`${m}_dbname`),
  };
  const first = conf.nameList('CacheInstances')[0]!;
  const host = conf.str(`${first}_host`);
  const port = conf.port(`${first}_port`);
  const dbs = {} as Record<RedisPool, number>;
  for (const pool of REDIS_POOLS) {
    if (conf.optStr(`${pool}_host`, host) !== host || conf.optPort(`${pool}_port`, port) !== port) {
      throw conf.error(`${pool}_host`, 'provisioning supports one Redis server for all pools');
    }
    dbs[pool] = conf.int(`${pool}_db`);
  }
  return { mysql, redis: { host, port, dbs } };
}

/** Redis db numbers for tests: base, base+1, ... in REDIS_POOLS order, away from production's. */
export function testRedisDbs(base: number): Record<RedisPool, number> {
  const dbs = {} as Record<RedisPool, number>;
  REDIS_POOLS.forEach((p, i) => (dbs[p] = base + i));
  return dbs;
}
