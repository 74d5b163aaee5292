#!/usr/bin/env node
// `npm run debug -- <server> [--conf <file>] [--inspect-port 9229] [--brk] [--net]`
// Runs one server (tt <server>) under `node --inspect` with TypeScript source maps
// (--enable-source-maps) on the native transport built with symbols (RelWithDebInfo), core dumps
// enabled (ulimit -c unlimited), and prints how to attach gdb to the same process.
// See docs/debugging.md for the worked example (gdb + inspector breakpoints, both hit).
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const server = args.find((a) => !a.startsWith('-'));
if (!server) {
  console.error('usage: npm run debug -- <server> [--conf <file>] [--inspect-port 9229] [--brk] [--net]');
  process.exit(2);
}
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const inspectPort = opt('--inspect-port') ?? '9229';
const brk = args.includes('--brk');
const conf = opt('--conf');

execFileSync(process.execPath, [path.join(__dirname, 'build-native.js')], { stdio: 'inherit' });
const tt = path.join(root, 'dist', 'src', 'cli', 'tt.js');
if (!fs.existsSync(tt)) {
  console.error('dist/src/cli/tt.js is missing: run `npm run build` first');
  process.exit(1);
}

const nodeArgs = [
  `--inspect${brk ? '-brk' : ''}=127.0.0.1:${inspectPort}`,
  '--enable-source-maps',
  tt, server, ...(conf ? ['--conf', conf] : []),
];
// Through sh only to raise the core-file limit for this process (Node cannot setrlimit itself).
const quoted = [process.execPath, ...nodeArgs].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
const child = spawn('sh', ['-c', `ulimit -c unlimited 2>/dev/null; exec ${quoted}`], {
  stdio: 'inherit',
  env: { ...process.env, TT_TRANSPORT: args.includes('--net') ? 'net' : (process.env.TT_TRANSPORT ?? 'native') },
});
const addon = path.join(root, 'build', 'Release', 'tt_net.node');
console.error(`
[debug] ${server} server pid ${child.pid}  (node ${nodeArgs.join(' ')})
[debug] inspector:  chrome://inspect or VS Code "attach" to 127.0.0.1:${inspectPort}
[debug]             node scripts/inspect-break.js --port ${inspectPort} --at src/net/NativeTransport.ts:<line>
[debug] gdb:        gdb -p ${child.pid} -ex 'break ttnet::Loop::DoAccept' -ex continue
[debug] addon:      ${addon} (symbols: RelWithDebInfo)
[debug] core dumps: ulimit -c unlimited for this process; pattern: ${readCorePattern()}
`);
const forward = (sig) => process.on(sig, () => child.kill(sig));
forward('SIGINT');
forward('SIGTERM');
child.on('exit', (code, sig) => process.exit(code ?? (sig ? 128 : 0)));

function readCorePattern() {
  try { return fs.readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim(); } catch { return 'unknown'; }
}
