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

/** An executable on PATH (or in the sbin directories, like src/cli/provision/packages.ts looks). */
function which(cmd) {
  const dirs = (process.env.PATH || '').split(':').concat(['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin']);
  for (const d of dirs) {
    if (!d) continue;
    try {
      fs.accessSync(path.join(d, cmd), fs.constants.X_OK);
      return path.join(d, cmd);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** True when scripts/build-native.js will compile (the addon is missing or older than a source). */
function nativeBuildNeeded() {
  const mtime = (f) => { try { return fs.statSync(f).mtimeMs; } catch { return 0; } };
  const out = path.join(root, 'build', 'Release', 'tt_net.node');
  if (mtime(out) === 0) return true;
  const nativeDir = path.join(root, 'native');
  const sources = [path.join(root, 'CMakeLists.txt'), ...fs.readdirSync(nativeDir).map((f) => path.join(nativeDir, f))];
  return sources.some((f) => mtime(f) > mtime(out));
}

/**
 * The native addon needs cmake, a C++ compiler and make (cmake-js drives cmake's Makefile
 * generator unless ninja is there). A fresh Debian image often has none of them: install the
 * missing ones with apt-get the way provisioning installs MariaDB and Redis
 * (src/cli/provision/packages.ts: as root or through `sudo -n`, DEBIAN_FRONTEND=noninteractive,
 * `apt-get update` then `apt-get install -y --no-install-recommends`, apt's progress on screen).
 */
function ensureBuildTools() {
  if (!nativeBuildNeeded()) return;
  const needs = [
    { bin: 'cmake', pkg: 'cmake' },
    { bin: 'g++', pkg: 'g++' },
    ...(which('ninja') ? [] : [{ bin: 'make', pkg: 'make' }]),
  ];
  const missing = needs.filter((n) => !which(n.bin));
  if (missing.length === 0) return;
  const what = missing.map((n) => n.bin).join(', ');
  const pkgs = missing.map((n) => n.pkg);
  if (!which('apt-get')) {
    say(`the native addon (native/) needs ${what}, which this machine lacks, and there is no apt-get to install them:`);
    say(`install ${pkgs.join(' ')} with the system's package manager, then run this again`);
    process.exit(1);
  }
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!asRoot && !which('sudo')) {
    say(`the native addon needs ${what}; installing ${pkgs.join(' ')} with apt-get needs root (no sudo here): run \`apt-get install -y ${pkgs.join(' ')}\` as root`);
    process.exit(1);
  }
  const prefix = asRoot ? [] : ['-n', 'apt-get'];
  const apt = asRoot ? 'apt-get' : 'sudo';
  say(`missing ${what} (needed to build the native addon): installing ${pkgs.join(' ')} with apt-get${asRoot ? '' : ' through sudo -n'} (progress below)`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get update', apt, [...prefix, 'update'], env);
  run('apt-get install', apt, [...prefix, 'install', '-y', '--no-install-recommends', ...pkgs], env);
  const still = missing.filter((n) => !which(n.bin));
  if (still.length > 0) {
    say(`still missing after apt-get: ${still.map((n) => n.bin).join(', ')}`);
    process.exit(1);
  }
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
  else {
    ensureBuildTools();
    run('build', process.execPath, [path.join(root, 'scripts', 'build.js')]);
  }
  const envFile = path.join(root, 'var', 'test-env.json');
  fs.mkdirSync(path.dirname(envFile), { recursive: true });
  const tt = path.join(root, 'dist', 'src', 'cli', 'tt.js');
  run('provision', process.execPath, [tt, 'provision', ...(test ? ['--test', '--write-env', envFile] : [])]);
  return test ? JSON.parse(fs.readFileSync(envFile, 'utf8')) : {};
}

/**
 * The MariaDB named lock one `npm test` run holds for its whole run (scripts/test.js), named after
 * the test database and Redis dbs it resets; `npm start` checks it before stopping the databases.
 */
function testLockName(env) {
  return `tt_test_run:${env.TT_TEST_MYSQL_DATABASE}:${env.TT_TEST_REDIS_PORT}:${env.TT_TEST_REDIS_DB_BASE}`;
}

module.exports = { bootstrap, ensureBuildTools, run, say, printTimings, testLockName, timings, root };
