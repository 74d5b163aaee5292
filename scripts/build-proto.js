#!/usr/bin/env node
// Generates the protobufjs static code for proto/*.proto:
//   dist/src/pdu/gen/im.js   (pbjs -t static-module -w commonjs): what runs
//   src/pdu/gen/im.d.ts      (pbts): what `import { IM } from './gen/im'` type-checks against
// Both are gitignored and rebuilt only when a .proto (or this script) is newer than them.
//
// Why these choices (protocol.md §3.2):
// - the .proto files have no syntax line, so protobufjs treats them as proto2: repeated scalars are
//   written unpacked (one tag per element, like the original C++), required fields are checked by
//   every generated decode(), and encode() writes fields in field-number order;
// - verify/convert stay in: src/pdu/codec.ts uses verify() to reject enum values the C++ parser
//   would not accept, and the fixture tests use toObject();
// - no delimited/service helpers: TeamTalk frames bodies itself and has no rpc services.
// Outputs are written to a temporary name and renamed, so engineers building at the same time
// never see a half-written file.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const protoDir = path.join(root, 'proto');
const jsOut = path.join(root, 'dist', 'src', 'pdu', 'gen', 'im.js');
const dtsOut = path.join(root, 'src', 'pdu', 'gen', 'im.d.ts');
const cliDir = path.dirname(require.resolve('protobufjs-cli/package.json'));

const protos = fs.readdirSync(protoDir).filter((f) => f.endsWith('.proto')).sort().map((f) => path.join(protoDir, f));
if (protos.length !== 9) {
  console.error(`[build-proto] expected the nine TeamTalk .proto files in ${protoDir}, found ${protos.length}`);
  process.exit(1);
}

const mtime = (f) => { try { return fs.statSync(f).mtimeMs; } catch { return -1; } };
const newestInput = Math.max(mtime(__filename), ...protos.map(mtime));
if (!process.argv.includes('--force') && mtime(jsOut) > newestInput && mtime(dtsOut) > newestInput) {
  console.log('[build-proto] up to date');
  process.exit(0);
}

const run = (bin, args) => execFileSync(process.execPath, [path.join(cliDir, 'bin', bin), ...args], { cwd: root, stdio: 'inherit' });
const tmp = (f) => f.replace(/(\.d)?\.(js|ts)$/, `.${process.pid}.tmp$&`); // pbts only reads *.js
fs.mkdirSync(path.dirname(jsOut), { recursive: true });
fs.mkdirSync(path.dirname(dtsOut), { recursive: true });

try {
  run('pbjs', ['-t', 'static-module', '-w', 'commonjs', '--no-delimited', '--no-service', '-p', protoDir, '-o', tmp(jsOut), ...protos]);
  // pbts reads the JSDoc of the generated JS, so it runs on the temporary JS before the rename.
  run('pbts', ['-o', tmp(dtsOut), tmp(jsOut)]);
  // pbts exits 0 even when it found nothing to declare: check the output really declares IM.
  if (!/export namespace IM\b/.test(fs.readFileSync(tmp(dtsOut), 'utf8'))) throw new Error('pbts produced no declarations');
  fs.renameSync(tmp(jsOut), jsOut);
  fs.renameSync(tmp(dtsOut), dtsOut);
} finally {
  for (const f of [tmp(jsOut), tmp(dtsOut)]) fs.rmSync(f, { force: true });
}
console.log(`[build-proto] ${path.relative(root, jsOut)}, ${path.relative(root, dtsOut)}`);
