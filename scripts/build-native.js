#!/usr/bin/env node
// Builds the native epoll addon (native/*.cc) with cmake-js into build/Release/tt_net.node,
// RelWithDebInfo (optimised, symbols kept). Skips the build when the .node file is newer than
// every source. Never downloads Node headers: cmake-js is pointed at the local ones (nodedir).
//   node scripts/build-native.js          build if stale
//   node scripts/build-native.js --force  always rebuild
//   TT_NATIVE_BUILD_TYPE=Debug ...        another CMake build type
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'build', 'Release', 'tt_net.node');
const sources = [
  path.join(root, 'CMakeLists.txt'),
  ...fs.readdirSync(path.join(root, 'native')).map((f) => path.join(root, 'native', f)),
];

const force = process.argv.includes('--force');
const mtime = (f) => { try { return fs.statSync(f).mtimeMs; } catch { return 0; } };
if (!force && mtime(out) > 0 && sources.every((s) => mtime(s) <= mtime(out))) {
  console.log(`[build-native] up to date: ${path.relative(root, out)}`);
  process.exit(0);
}

// The local headers: `npm config get nodedir` (/usr here), else next to the running node.
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const guess = path.resolve(process.execPath, '..', '..');
  if (fs.existsSync(path.join(guess, 'include', 'node', 'node_api.h'))) return guess;
  try {
    return execFileSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).trim();
  } catch {
    return guess;
  }
}

const nodedir = nodeDir();
if (!fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
  console.error(`[build-native] no Node headers under ${nodedir}/include/node; set npm_config_nodedir`);
  process.exit(1);
}
const buildType = process.env.TT_NATIVE_BUILD_TYPE || 'RelWithDebInfo';
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const jobs = String(Math.max(1, Math.min(2, require('node:os').cpus().length)));
execFileSync(process.execPath, [cmakeJs, 'compile', '--config', buildType, '--out', path.join(root, 'build'),
  '--parallel', jobs, '--log-level', 'warn'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: nodedir },
});
if (!fs.existsSync(out)) {
  console.error(`[build-native] build finished but ${out} is missing`);
  process.exit(1);
}
// cmake only relinks what changed; touch so the staleness check above sees the new time.
const now = new Date();
fs.utimesSync(out, now, now);
console.log(`[build-native] built ${path.relative(root, out)} (${buildType})`);
