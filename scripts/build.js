#!/usr/bin/env node
// `npm run build`: protobuf code, the native addon, then the TypeScript. Each step is its own
// script so it can be run (and fixed) alone; each skips work that is already up to date.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const step = (name, file, args = []) => {
  const t0 = Date.now();
  execFileSync(process.execPath, [path.join(__dirname, file), ...args], { cwd: root, stdio: 'inherit' });
  console.log(`[build] ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
};

step('protobuf', 'build-proto.js');
step('native addon', 'build-native.js');
step('typescript', 'build-ts.js');
