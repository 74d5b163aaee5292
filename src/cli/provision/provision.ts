import * as fs from 'node:fs';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import Redis from 'ioredis';
import { ConfFile } from '../../conf/ConfFile';
import { DbSettings, dbSettingsFromConf, MysqlSettings, RedisPool, testRedisDbs } from './DbSettings';
import { Say } from './packages';
import { confDir, varDir as defaultVarDir } from './paths';
import { PrivateMariaDb } from './PrivateMariaDb';
import { PrivateRedis } from './PrivateRedis';
import { applySchema, checkIdentifier, seedDemo } from './Schema';

export interface ProvisionOptions {
  /** dbproxyserver.conf to read the MySQL and Redis settings from */
  confPath?: string;
  /** also prepare the test database and print its settings */
  test?: boolean;
  testDatabase?: string;
  /** first Redis db number of the five test pools */
  testRedisDbBase?: number;
  /**
   * Where private MariaDB/Redis instances keep their data, pid files and logs (`mysql/`, `redis/`,
   * `log/`); default var/ of the checkout (TT_VAR_DIR overrides). Only used when nothing answers on
   * the configured addresses.
   */
  varDir?: string;
  say?: Say;
}

export interface ProvisionResult {
  prod: DbSettings;
  test: { mysql: MysqlSettings; redis: { host: string; port: number; dbBase: number; dbs: Record<RedisPool, number> } };
  mariadb: 'reused' | 'started';
  redis: 'reused' | 'started';
  ms: number;
}

export const DEFAULT_TEST_DATABASE = 'teamtalk_test';
export const DEFAULT_TEST_REDIS_DB_BASE = 8;

/**
 * Makes the configured MariaDB and Redis reachable (starting private ones under varDir when nothing
 * answers), then creates the database user, the production database and (optionally) the test
 * database with every table and the demo data. Idempotent: a second run reuses everything.
 */
export async function provision(opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const t0 = Date.now();
  const say = opts.say ?? ((l: string) => console.log(`[provision] ${l}`));
  const confPath = opts.confPath ?? path.join(confDir, 'dbproxyserver.conf');
  const prod = dbSettingsFromConf(ConfFile.load(confPath));
  const testDatabase = checkIdentifier('database', opts.testDatabase ?? DEFAULT_TEST_DATABASE);
  const dbBase = opts.testRedisDbBase ?? DEFAULT_TEST_REDIS_DB_BASE;
  const prodDbs = new Set(Object.values(prod.redis.dbs));
  const tdbs = testRedisDbs(dbBase);
  if (Object.values(tdbs).some((d) => prodDbs.has(d))) {
    throw new Error(`test Redis dbs ${Object.values(tdbs).join(',')} overlap production's ${[...prodDbs].join(',')}`);
  }
  if (testDatabase === prod.mysql.database) throw new Error(`test database must differ from ${prod.mysql.database}`);

  const varDir = path.resolve(opts.varDir ?? defaultVarDir);
  fs.mkdirSync(path.join(varDir, 'log'), { recursive: true });
  const maria = new PrivateMariaDb(varDir, prod.mysql.host, prod.mysql.port);
  const redisInst = new PrivateRedis(varDir, prod.redis.host, prod.redis.port);
  const [mariadb, redis] = [await maria.ensureRunning(say), await redisInst.ensureRunning(say)];
  say(`MariaDB ${prod.mysql.host}:${prod.mysql.port} ${mariadb}, Redis ${prod.redis.host}:${prod.redis.port} ${redis}`);

  const databases = [prod.mysql.database, ...(opts.test ? [testDatabase] : [])];
  await createUserAndDatabases(maria, prod.mysql, databases, say);
  const conn = await mysql.createConnection({ ...connOpts(prod.mysql), multipleStatements: true });
  try {
    for (const db of databases) {
      await applySchema(conn, db);
      await seedDemo(conn, db);
      say(`database ${db}: schema and demo data in place`);
    }
  } finally {
    await conn.end();
  }
  await checkRedis(prod.redis.host, prod.redis.port, Math.max(...prodDbs, ...Object.values(tdbs)));

  return {
    prod,
    test: {
      mysql: { ...prod.mysql, database: testDatabase },
      redis: { host: prod.redis.host, port: prod.redis.port, dbBase, dbs: tdbs },
    },
    mariadb,
    redis,
    ms: Date.now() - t0,
  };
}

/** The TT_TEST_* variables test/helpers reads (set by npm test). */
export function testEnv(r: ProvisionResult): Record<string, string> {
  return {
    TT_TEST_MYSQL_HOST: r.test.mysql.host,
    TT_TEST_MYSQL_PORT: String(r.test.mysql.port),
    TT_TEST_MYSQL_USER: r.test.mysql.user,
    TT_TEST_MYSQL_PASSWORD: r.test.mysql.password,
    TT_TEST_MYSQL_DATABASE: r.test.mysql.database,
    TT_TEST_REDIS_HOST: r.test.redis.host,
    TT_TEST_REDIS_PORT: String(r.test.redis.port),
    TT_TEST_REDIS_DB_BASE: String(r.test.redis.dbBase),
  };
}

const connOpts = (m: MysqlSettings): mysql.ConnectionOptions => ({
  host: m.host,
  port: m.port,
  user: m.user,
  password: m.password,
  charset: 'utf8mb4',
  connectTimeout: 5000,
});

/**
 * The configured account must exist and own the databases. On our private instance root (socket
 * only) creates them; on an external server the configured account must already work, or an admin
 * account can be given in TT_MYSQL_ADMIN_USER / TT_MYSQL_ADMIN_PASSWORD.
 */
async function createUserAndDatabases(maria: PrivateMariaDb, m: MysqlSettings, databases: string[], say: Say): Promise<void> {
  let admin: mysql.Connection;
  if (maria.isOurs()) {
    admin = await mysql.createConnection({ socketPath: maria.socket, user: 'root', password: '', connectTimeout: 5000 });
  } else if (process.env.TT_MYSQL_ADMIN_USER) {
    admin = await mysql.createConnection({ ...connOpts(m), user: process.env.TT_MYSQL_ADMIN_USER, password: process.env.TT_MYSQL_ADMIN_PASSWORD ?? '' });
  } else {
    // External server without admin credentials: the configured account has to be able to do it.
    const c = await mysql.createConnection(connOpts(m)).catch((e: Error) => {
      throw new Error(`cannot log into MariaDB ${m.host}:${m.port} as ${m.user} (${e.message}); set TT_MYSQL_ADMIN_USER/PASSWORD to let provisioning create the account`);
    });
    try {
      for (const db of databases) await c.query(`CREATE DATABASE IF NOT EXISTS \`${checkIdentifier('database', db)}\` DEFAULT CHARACTER SET utf8 COLLATE utf8_general_ci`);
    } finally {
      await c.end();
    }
    return;
  }
  try {
    const user = checkIdentifier('user', m.user);
    for (const host of ['127.0.0.1', 'localhost']) {
      const who = `'${user}'@'${host}'`;
      await admin.query(`CREATE USER IF NOT EXISTS ${who} IDENTIFIED BY ${admin.escape(m.password)}`);
      // keep the password in step with the conf file when someone changed it there
      await admin.query(`ALTER USER ${who} IDENTIFIED BY ${admin.escape(m.password)}`);
      for (const db of databases) {
        await admin.query(`CREATE DATABASE IF NOT EXISTS \`${checkIdentifier('database', db)}\` DEFAULT CHARACTER SET utf8 COLLATE utf8_general_ci`);
        await admin.query(`GRANT ALL PRIVILEGES ON \`${db}\`.* TO ${who}`);
      }
    }
    say(`account ${m.user} owns ${databases.join(', ')}`);
  } finally {
    await admin.end();
  }
}

async function checkRedis(host: string, port: number, highestDb: number): Promise<void> {
  const r = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await r.connect();
    const pong = await r.ping();
    if (pong !== 'PONG') throw new Error(`Redis ${host}:${port} answered ${pong} to PING`);
    const dbs = Number((await r.config('GET', 'databases') as string[])[1] ?? 16);
    const need = highestDb + 1;
    if (dbs < need) throw new Error(`Redis ${host}:${port} has ${dbs} databases; tests need ${need}`);
  } finally {
    r.disconnect();
  }
}
