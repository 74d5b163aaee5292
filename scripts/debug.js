#!/usr/bin/env node
// `npm run debug -- <server> [--conf <file>] [--inspect-port 9229] [--brk] [--net]`
// Runs one server (tt <server>) under `node --inspect` with TypeScript source maps
// (--enable-source-maps) on the native transport built with symbols (RelWithDebInfo unless
// TT_NATIVE_BUILD_TYPE says otherwise), core dumps enabled (ulimit -c unlimited), and prints how to
// attach gdb to the same process, the build type that was really built and whether the addon
// carries debug information. TT_SKIP_BUILD=1 uses the addon as it is; TT_NATIVE_ADDON=<file> runs
// another build of it. See docs/debugging.md for the worked example (gdb + inspector breakpoints,
// both hit).
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

if (process.env.TT_SKIP_BUILD === '1') console.error('[debug] addon build skipped (TT_SKIP_BUILD=1)');
else execFileSync(process.execPath, [path.join(__dirname, 'build-native.js')], { stdio: 'inherit' });
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
const addon = process.env.TT_NATIVE_ADDON ?? path.join(root, 'build', 'Release', 'tt_net.node');
console.error(`
[debug] ${server} server pid ${child.pid}  (node ${nodeArgs.join(' ')})
[debug] inspector:  chrome://inspect or VS Code "attach" to 127.0.0.1:${inspectPort}
[debug]             node scripts/inspect-break.js --port ${inspectPort} --at src/net/NativeTransport.ts --fn NativeLoop.accept
[debug] gdb:        gdb -p ${child.pid} -ex 'break ttnet::Loop::DoAccept' -ex continue${gdbNote()}
[debug] addon:      ${addon}
[debug]             build type ${buildType()}; ${debugInfo(addon)}
[debug] core dumps: ulimit -c unlimited for this process; pattern: ${readFirstLine('/proc/sys/kernel/core_pattern')}
`);
const forward = (sig) => process.on(sig, () => child.kill(sig));
forward('SIGINT');
forward('SIGTERM');
child.on('exit', (code, sig) => process.exit(code ?? (sig ? 128 : 0)));

function readFirstLine(file) {
  try { return fs.readFileSync(file, 'utf8').trim(); } catch { return 'unknown'; }
}

/** What the CMake cache of build/ says was built (build-native.js passes it to cmake-js). */
function buildType() {
  if (process.env.TT_NATIVE_ADDON) return 'unknown (TT_NATIVE_ADDON; not built by build-native.js)';
  const cache = readFirstLine(path.join(root, 'build', 'CMakeCache.txt'));
  const m = /^CMAKE_BUILD_TYPE:STRING=(.*)$/m.exec(cache);
  return m ? (m[1] || '(empty: no optimisation, no -g)') : 'unknown (no build/CMakeCache.txt)';
}

/** Whether the addon still has DWARF (.debug_info) and, from gcc's producer string, its -O/-g flags. */
function debugInfo(file) {
  let elf;
  try { elf = fs.readFileSync(file); } catch (e) { return `cannot read it (${e.code})`; }
  if (elf.toString('latin1', 0, 4) !== '\x7fELF' || elf[4] !== 2 || elf[5] !== 1) return 'not a 64-bit little-endian ELF file';
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const hdr = (i) => {
    const h = shoff + i * shentsize;
    return { nameOff: elf.readUInt32LE(h), offset: Number(elf.readBigUInt64LE(h + 0x18)), size: Number(elf.readBigUInt64LE(h + 0x20)) };
  };
  const names = hdr(elf.readUInt16LE(0x3e));
  const sec = new Map();
  for (let i = 0; i < shnum; i++) {
    const s = hdr(i);
    const at = names.offset + s.nameOff;
    sec.set(elf.toString('latin1', at, elf.indexOf(0, at)), s);
  }
  const info = sec.get('.debug_info');
  if (!info || info.size === 0) return sec.has('.symtab') ? 'NO debug info (.debug_info missing): gdb shows functions but no lines or locals' : 'stripped: gdb shows only exported symbols';
  const str = sec.get('.debug_str');
  const producer = str && elf.toString('latin1', str.offset, str.offset + str.size).split('\0').find((p) => p.startsWith('GNU C'));
  const flags = producer ? (producer.match(/ -(O\S*|g\S*)/g) ?? []).map((f) => f.trim()).join(' ') : '';
  return `symbols and .debug_info (${(info.size / 1024).toFixed(0)} KiB) present${flags ? `, compiled ${flags}` : ''}`;
}

/** gdb must exist and may attach to a non-child only if Yama allows it (or as root). */
function gdbNote() {
  const onPath = (process.env.PATH ?? '').split(':').some((d) => d && fs.existsSync(path.join(d, 'gdb')));
  if (!onPath) return '\n[debug]             (gdb is not installed: apt-get install -y gdb)';
  const scope = readFirstLine('/proc/sys/kernel/yama/ptrace_scope');
  const root0 = typeof process.getuid === 'function' && process.getuid() === 0;
  if (scope !== 'unknown' && scope !== '0' && !root0) {
    return `\n[debug]             (kernel.yama.ptrace_scope=${scope}: attaching needs sudo gdb -p, or sudo sysctl kernel.yama.ptrace_scope=0)`;
  }
  return '';
}
