'use strict';
// The phases `npm start` and `npm test` share: dependencies, build, provisioning. Plain JS so it
// runs on a fresh clone before anything is compiled. Each phase prints its wall time.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const timings = [];

function say(line) {
  console.log(`[${path.basename(process.argv[1], '.js')}] ${line}`);
}

/**
 * Runs a command with inherited output and records its wall time. A failure ends this process
 * with the command's code unless `keepGoing`, in which case the exit status is returned.
 */
function run(name, cmd, args, env, keepGoing = false) {
  const t0 = Date.now();
  const shown = args.length > 8 ? [...args.slice(0, 6), `... (${args.length - 6} more)`] : args;
  say(`${name}: ${[cmd === process.execPath ? 'node' : cmd, ...shown].map((a) => (a.startsWith(root + path.sep) ? path.relative(root, a) : a)).join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const s = (Date.now() - t0) / 1000;
  timings.push([name, s]);
  if (r.error) {
    say(`${name} could not run: ${r.error.message}`);
    printTimings();
    process.exit(1);
  }
  if (r.status !== 0) {
    say(`${name} failed (exit ${r.status ?? r.signal}) after ${s.toFixed(1)} s`);
    if (keepGoing) return r.status || 1;
    printTimings();
    process.exit(r.status || 1);
  }
  say(`${name} done in ${s.toFixed(1)} s`);
  return 0;
}

function printTimings() {
  say(`phase wall times: ${timings.map(([n, s]) => `${n} ${s.toFixed(1)} s`).join(', ')}`);
}

/**
 * npm install when node_modules is missing; the build (skipped with TT_SKIP_BUILD=1 for quick
 * local reruns); then `tt provision`, with the test database too when `test` is set.
 */
function bootstrap({ test }) {
  if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    run('install', npm, ['install', '--no-audit', '--no-fund']);
  }
  if (process.env.TT_SKIP_BUILD === '1') say('build skipped (TT_SKIP_BUILD=1)');
  else run('build', process.execPath, [path.join(root, 'scripts', 'build.js')]);
  const envFile = path.join(root, 'var', 'test-env.json');
  fs.mkdirSync(path.dirname(envFile), { recursive: true });
  const tt = path.join(root, 'dist', 'src', 'cli', 'tt.js');
  run('provision', process.execPath, [tt, 'provision', ...(test ? ['--test', '--write-env', envFile] : [])]);
  return test ? JSON.parse(fs.readFileSync(envFile, 'utf8')) : {};
}

module.exports = { bootstrap, run, say, printTimings, timings, root };
