import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Connection } from 'mysql2/promise';
import { sqlDir } from './paths';

/** Names that go into SQL as identifiers must be plain; conf values are not trusted blindly. */
export function checkIdentifier(kind: string, name: string): string {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error(`${kind} "${name}" must match [A-Za-z0-9_]{1,64}`);
  return name;
}

const readSql = (file: string): string => fs.readFileSync(path.join(sqlDir, file), 'utf8');

/** The 26 tables of schema.md §2 (25 of ttopen.sql plus IMTransmitFile), in schema.sql order. */
export function schemaTables(): string[] {
  return [...readSql('schema.sql').matchAll(/CREATE TABLE IF NOT EXISTS `(\w+)`/g)].map((m) => m[1]!);
}

/**
 * Creates the database if needed (default charset utf8 as ttopen.sql) and every missing table.
 * Rewrite: never drops anything (ttopen.sql dropped the whole database).
 * The connection must allow multipleStatements.
 */
export async function applySchema(conn: Connection, database: string): Promise<void> {
  const db = checkIdentifier('database', database);
  await conn.query(`CREATE DATABASE IF NOT EXISTS \`${db}\` DEFAULT CHARACTER SET utf8 COLLATE utf8_general_ci`);
  await conn.query(`USE \`${db}\``);
  await conn.query(readSql('schema.sql'));
}

/** Inserts the demo rows that are missing (INSERT IGNORE): safe on a database in use. */
export async function seedDemo(conn: Connection, database: string): Promise<void> {
  await conn.query(`USE \`${checkIdentifier('database', database)}\``);
  await conn.query(readSql('demo.sql'));
}

/**
 * Empties every table of the database and restarts its ids at 1, then seeds the demo data: the
 * state the golden fixtures were captured from. Missing tables are created and tables that are not
 * in the schema dropped; with `recreate` every table is dropped and created again (for a test
 * that altered a definition), otherwise they are emptied, which is much faster than dropping 26
 * InnoDB tables.
 */
export async function resetTables(conn: Connection, database: string, recreate = false): Promise<void> {
  const db = checkIdentifier('database', database);
  if (recreate) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await applySchema(conn, db);
  const tables = schemaTables();
  const [rows] = await conn.query(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
    [db],
  );
  const known = new Set(tables);
  const extra = (rows as Array<{ t: string }>).map((r) => r.t).filter((t) => !known.has(t));
  const stmts: string[] = ['SET FOREIGN_KEY_CHECKS = 0'];
  // Tables a test created are dropped so the next test starts from the plain schema.
  for (const t of extra) stmts.push(`DROP TABLE IF EXISTS \`${checkIdentifier('table', t)}\``);
  for (const t of tables) stmts.push(`DELETE FROM \`${t}\``, `ALTER TABLE \`${t}\` AUTO_INCREMENT = 1`);
  stmts.push('SET FOREIGN_KEY_CHECKS = 1');
  await conn.query(stmts.join(';\n'));
  await seedDemo(conn, db);
}
