import * as path from 'node:path';
import { ConfFile } from '../../src/conf/ConfFile';
import { dbSettingsFromConf, MysqlSettings, RedisPool, testRedisDbs } from '../../src/cli/provision/DbSettings';
import { confDir, repoRoot } from '../../src/cli/provision/paths';
import { DEFAULT_TEST_DATABASE, DEFAULT_TEST_REDIS_DB_BASE } from '../../src/cli/provision/provision';

export { repoRoot };

/** The golden transcripts: shared/ sits beside the repository (TT_FIXTURES_DIR overrides). */
export const fixturesDir: string =
  process.env.TT_FIXTURES_DIR ?? path.resolve(repoRoot, '..', 'shared', 'fixtures', 'original');

export interface TestDb {
  /** database `teamtalk_test` (never production's) */
  mysql: MysqlSettings;
  /** the five pools on the test db numbers (base .. base+4), never production's */
  redis: { host: string; port: number; dbBase: number; dbs: Record<RedisPool, number> };
}

const env = (k: string): string | undefined => (process.env[k] === '' ? undefined : process.env[k]);

function envInt(k: string, def: number): number {
  const v = env(k);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${k}=${v} is not a non-negative integer`);
  return n;
}

/**
 * Test database settings: TT_TEST_* variables (npm test sets them after provisioning), otherwise
 * the provisioned defaults read from conf/dbproxyserver.conf, so `node --test dist/test/x` works
 * on its own once `npm test` or `npm start` has provisioned the machine.
 */
export function testDb(): TestDb {
  const prod = dbSettingsFromConf(ConfFile.load(path.join(confDir, 'dbproxyserver.conf')));
  const database = env('TT_TEST_MYSQL_DATABASE') ?? DEFAULT_TEST_DATABASE;
  if (database === prod.mysql.database) throw new Error(`refusing to use the production database ${database} for tests`);
  const dbBase = envInt('TT_TEST_REDIS_DB_BASE', DEFAULT_TEST_REDIS_DB_BASE);
  return {
    mysql: {
      host: env('TT_TEST_MYSQL_HOST') ?? prod.mysql.host,
      port: envInt('TT_TEST_MYSQL_PORT', prod.mysql.port),
      user: env('TT_TEST_MYSQL_USER') ?? prod.mysql.user,
      password: process.env.TT_TEST_MYSQL_PASSWORD ?? prod.mysql.password,
      database,
    },
    redis: {
      host: env('TT_TEST_REDIS_HOST') ?? prod.redis.host,
      port: envInt('TT_TEST_REDIS_PORT', prod.redis.port),
      dbBase,
      dbs: testRedisDbs(dbBase),
    },
  };
}
