import * as path from 'node:path';
import mysql from 'mysql2/promise';
import { ConfFile } from '../../src/conf/ConfFile';
import { dbSettingsFromConf, MysqlSettings } from '../../src/cli/provision/DbSettings';
import { confDir } from '../../src/cli/provision/paths';

/**
 * `--mysql host:port:user:password:db`. The password is everything between the user and the last
 * colon, so it may itself contain colons.
 */
export function parseMysqlSpec(text: string): MysqlSettings {
  const parts = text.split(':');
  if (parts.length < 5) throw new Error(`--mysql ${text}: expected host:port:user:password:db`);
  const port = Number(parts[1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--mysql ${text}: bad port ${parts[1]}`);
  return { host: parts[0]!, port, user: parts[2]!, password: parts.slice(3, -1).join(':'), database: parts[parts.length - 1]! };
}

/** The production database the local system uses (master pool of conf/dbproxyserver.conf). */
export function defaultMysql(confPath = path.join(confDir, 'dbproxyserver.conf')): MysqlSettings {
  return dbSettingsFromConf(ConfFile.load(confPath)).mysql;
}

export function describeMysql(m: MysqlSettings): string {
  return `${m.user}@${m.host}:${m.port}/${m.database}`;
}

export function openPool(m: MysqlSettings): mysql.Pool {
  return mysql.createPool({
    host: m.host, port: m.port, user: m.user, password: m.password, database: m.database,
    charset: 'utf8mb4', connectionLimit: 2, connectTimeout: 5000,
  });
}
