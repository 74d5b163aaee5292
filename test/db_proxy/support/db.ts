import mysql from 'mysql2/promise';
import Redis from 'ioredis';
import { testDb } from '../../helpers';

/** One query on the test database (own connection, closed at once). */
export async function sql<T = Record<string, unknown>>(text: string, params: Array<number | string> = []): Promise<T[]> {
  const m = testDb().mysql;
  const conn = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database, charset: 'utf8mb4' });
  try {
    const [rows] = await conn.query(text, params);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

export type Role = 'unread' | 'group_set' | 'token' | 'group_member';

/** Run something against one of the test Redis dbs (the pool's db number of testDb()). */
export async function redis<T>(role: Role, fn: (r: Redis) => Promise<T>): Promise<T> {
  const t = testDb().redis;
  const r = new Redis({ host: t.host, port: t.port, db: t.dbs[role], maxRetriesPerRequest: 1 });
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}
