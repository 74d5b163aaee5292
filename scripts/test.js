#!/usr/bin/env node
// `npm test`: install if needed, build, provision (with the test database), then every test file
// under dist/test/, one file at a time (they share the test database). Exit code = test result.
// Extra arguments narrow the run: `npm test -- dist/test/conf/`.
'use strict';
const { bootstrap, run, say, printTimings, testLockName, root } = require('./bootstrap');
const fs = require('node:fs');
const path = require('node:path');

const env = bootstrap({ test: true });
/**
 * The *.test.js files under the given paths, sorted. Listed explicitly because `node --test <dir>`
 * in Node 20 also runs every other .js file below a `test` directory (helpers included).
 */
function testFiles(paths) {
  const out = [];
  const walk = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    else if (p.endsWith('.test.js')) out.push(p);
  };
  for (const p of paths) walk(path.resolve(root, p));
  return out;
}

const args = process.argv.slice(2);
const files = testFiles(args.length ? args : [path.join(root, 'dist', 'test')]);
if (files.length === 0) {
  console.error(`[test] no *.test.js files under ${args.join(' ') || 'dist/test'}`);
  process.exit(1);
}
/**
 * Several checkouts on one machine share the provisioned MariaDB/Redis, hence teamtalk_test and the
 * test Redis dbs: two `npm test` runs at once would reset each other's data. A MariaDB named lock
 * held on one connection for the whole run serialises them (released when the connection closes,
 * so a killed run never leaves it stuck).
 */
async function withTestDbLock(fn) {
  const mysql = require('mysql2/promise');
  const conn = await mysql.createConnection({
    host: env.TT_TEST_MYSQL_HOST,
    port: Number(env.TT_TEST_MYSQL_PORT),
    user: env.TT_TEST_MYSQL_USER,
    password: env.TT_TEST_MYSQL_PASSWORD,
  });
  const name = testLockName(env);
  try {
    const [[first]] = await conn.query('SELECT GET_LOCK(?, 0) AS ok', [name]);
    if (first.ok !== 1) {
      say(`another npm test is using ${env.TT_TEST_MYSQL_DATABASE}; waiting for it (up to 30 min)`);
      const [[later]] = await conn.query('SELECT GET_LOCK(?, 1800) AS ok', [name]);
      if (later.ok !== 1) throw new Error(`could not get the test database lock ${name}`);
    }
    return await fn();
  } finally {
    await conn.end();
  }
}

withTestDbLock(() =>
  run(
    'tests',
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-force-exit', ...files],
    { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...env },
    true,
  ),
).then(
  (status) => {
    printTimings();
    process.exit(status);
  },
  (e) => {
    say(`test run failed: ${e.message}`);
    printTimings();
    process.exit(1);
  },
);
