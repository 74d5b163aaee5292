import mysql from 'mysql2/promise';
import { resetTables } from '../../src/cli/provision/Schema';
import { testDb } from './testDb';

export interface ResetOptions {
  /** drop and recreate every table instead of emptying them (after a test changed a definition) */
  recreate?: boolean;
}

/**
 * Puts `teamtalk_test` back to the schema plus the demo data of schema.md §4.2, with every id
 * counter restarting at 1 (so ids match the golden fixtures). Opens and closes its own connection
 * so it never keeps a test process alive.
 */
export async function resetDatabase(opts: ResetOptions = {}): Promise<void> {
  const { mysql: m } = testDb();
  const conn = await mysql.createConnection({
    host: m.host,
    port: m.port,
    user: m.user,
    password: m.password,
    charset: 'utf8mb4',
    multipleStatements: true,
    connectTimeout: 5000,
  });
  try {
    await resetTables(conn, m.database, opts.recreate ?? false);
  } finally {
    await conn.end();
  }
}
