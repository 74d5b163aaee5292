import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { resetDatabase, testDb } from './index';

interface TableRow { name: string; collation: string }
interface ColRow { t: string; c: string; type: string; nullable: string; def: string | null }

test('the provisioned schema has every table of schema.md §2 with the original charsets', async () => {
  await resetDatabase();
  const m = testDb().mysql;
  const c = await mysql.createConnection({ host: m.host, port: m.port, user: m.user, password: m.password, database: m.database });
  try {
    const [tables] = await c.query(
      'SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [m.database],
    );
    const byName = new Map((tables as TableRow[]).map((t) => [t.name, t.collation]));
    const shards = (p: string): string[] => Array.from({ length: 8 }, (_, i) => `${p}_${i}`);
    const utf8mb4 = ['IMUser', 'IMDepart', 'IMGroup', 'IMAudio', 'IMDiscovery', 'IMTransmitFile', ...shards('IMMessage'), ...shards('IMGroupMessage')];
    const utf8 = ['IMAdmin', 'IMGroupMember', 'IMRelationShip', 'IMRecentSession'];
    assert.deepEqual([...byName.keys()].sort(), [...utf8mb4, ...utf8].sort());
    for (const t of utf8mb4) assert.equal(byName.get(t), 'utf8mb4_bin', t);
    for (const t of utf8) assert.match(byName.get(t)!, /^utf8(mb3)?_general_ci$/, t);

    // spot checks of columns whose defaults the spec calls out
    const [cols] = await c.query(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?`,
      [m.database],
    );
    const col = (t: string, name: string): ColRow => {
      const r = (cols as ColRow[]).find((x) => x.t === t && x.c === name);
      assert.ok(r, `${t}.${name} exists`);
      return r;
    };
    assert.equal(col('IMGroup', 'status').def, '1'); // deleted by default, as the original
    assert.equal(col('IMGroupMember', 'status').def, '1');
    assert.equal(col('IMUser', 'avatar').nullable, 'YES');
    assert.equal(col('IMMessage_5', 'content').type, 'varchar(4096)');
    assert.equal(col('IMGroupMessage_7', 'type').def, '2');
    for (const k of ['fromId', 'toId', 'fileName', 'size', 'taskId', 'status', 'created', 'updated']) col('IMTransmitFile', k);
    // uint32 ids on the wire: these primary keys are unsigned
    assert.match(col('IMUser', 'id').type, /unsigned/);
    assert.match(col('IMDepart', 'id').type, /unsigned/);
  } finally {
    await c.end();
  }
});
