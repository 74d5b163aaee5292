#!/usr/bin/env node
// `npm start`: install if needed, build, provision MariaDB/Redis, then `tt start` (every server
// under supervision) until Ctrl-C. On the way out it stops what it started: the servers (the
// supervisor does that) and the private MariaDB/Redis under var/ if this run started them. A
// database that was already running (a previous `npm start -- --keep-databases`, another
// checkout, an external server) is left alone, and so is one an `npm test` is using right now.
//   npm start -- --keep-databases   leave the private databases running for the next run
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { bootstrap, printTimings, say, testLockName, root } = require('./bootstrap');

const PRIVATE_DBS = [
  { name: 'MariaDB', pidFile: path.join(root, 'var', 'mysql', 'mariadbd.pid') },
  { name: 'Redis', pidFile: path.join(root, 'var', 'redis', 'redis.pid') },
];

function livePid(pidFile) {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

const args = process.argv.slice(2);
const keepDatabases = args.includes('--keep-databases') || process.env.TT_KEEP_DATABASES === '1';
const ttArgs = args.filter((a) => a !== '--keep-databases');

const runningBefore = new Set(PRIVATE_DBS.filter((d) => livePid(d.pidFile) !== undefined).map((d) => d.name));
bootstrap({ test: false });
printTimings();
const startedHere = PRIVATE_DBS
  .map((d) => ({ ...d, pid: livePid(d.pidFile) }))
  .filter((d) => d.pid !== undefined && !runningBefore.has(d.name));

const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'tt.js'), 'start', ...ttArgs], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches the whole process group; the supervisor handles it, we only wait for it. A
// SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  say(`tt start exited (${signal ?? `code ${code}`})`);
  stopStartedDatabases()
    .catch((err) => say(`could not stop the private databases: ${err.message}`))
    .finally(() => process.exit(code ?? 1));
});

/** True while some `npm test` holds its run lock (scripts/test.js) on the shared MariaDB. */
async function testRunActive() {
  // The test env a previous `npm test` wrote; without one, provisioning's defaults.
  const env = {
    TT_TEST_MYSQL_HOST: '127.0.0.1', TT_TEST_MYSQL_PORT: '13306', TT_TEST_MYSQL_USER: 'teamtalk', TT_TEST_MYSQL_PASSWORD: '12345',
    TT_TEST_MYSQL_DATABASE: 'teamtalk_test', TT_TEST_REDIS_PORT: '16379', TT_TEST_REDIS_DB_BASE: '8',
  };
  try { Object.assign(env, JSON.parse(fs.readFileSync(path.join(root, 'var', 'test-env.json'), 'utf8'))); } catch { /* defaults */ }
  const mysql = require('mysql2/promise');
  const conn = await mysql.createConnection({
    host: env.TT_TEST_MYSQL_HOST,
    port: Number(env.TT_TEST_MYSQL_PORT),
    user: env.TT_TEST_MYSQL_USER,
    password: env.TT_TEST_MYSQL_PASSWORD,
    connectTimeout: 3000,
  });
  try {
    const [[row]] = await conn.query('SELECT IS_USED_LOCK(?) AS holder', [testLockName(env)]);
    return row.holder !== null;
  } finally {
    await conn.end();
  }
}

async function stopStartedDatabases() {
  if (startedHere.length === 0) return;
  const names = startedHere.map((d) => d.name).join(' and ');
  if (keepDatabases) {
    say(`leaving the private ${names} running (--keep-databases); stop them with: kill ${startedHere.map((d) => `$(cat ${path.relative(root, d.pidFile)})`).join(' ')}`);
    return;
  }
  let busy = false;
  try { busy = await testRunActive(); } catch { /* MariaDB already gone or unreachable: nothing uses it */ }
  if (busy) {
    say(`an npm test is using the private databases: leaving ${names} running`);
    return;
  }
  for (const d of startedHere) {
    try { process.kill(d.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  // MariaDB flushes and Redis writes its AOF on SIGTERM; give them time to finish cleanly.
  const deadline = Date.now() + 30_000;
  while (startedHere.some((d) => livePid(d.pidFile) === d.pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const left = startedHere.filter((d) => livePid(d.pidFile) === d.pid);
  if (left.length) say(`still running after 30 s: ${left.map((d) => `${d.name} (pid ${d.pid})`).join(', ')}`);
  else say(`stopped the private ${names} this run started (npm start -- --keep-databases keeps them)`);
}
