#!/usr/bin/env node
// A tiny Chrome DevTools Protocol client for scripted TypeScript breakpoints (docs/debugging.md):
//   node scripts/inspect-break.js --port 9229 --at src/net/NativeTransport.ts:120 [--hits 1] [--timeout 60]
// Maps the .ts line to the compiled .js line through dist/**/*.js.map, sets the breakpoint in the
// running process, prints each hit (TypeScript locations of the stack, mapped back, and the
// frame's locals), resumes, and exits after --hits hits. Used by hand or from a shell script next
// to `gdb -batch`, so a native and a TypeScript breakpoint can be hit in the same process.
'use strict';
if (typeof WebSocket === 'undefined') {
  // Node 20 ships WebSocket behind a flag: re-run ourselves with it.
  const { spawnSync } = require('node:child_process');
  const r = spawnSync(process.execPath, ['--experimental-websocket', '--no-warnings', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const fs = require('node:fs');
const path = require('node:path');
const { SourceMap } = require('node:module');
const { pathToFileURL } = require('node:url');

const root = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const opt = (n, d) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : d; };
const port = opt('--port', '9229');
const [tsFile, tsLineStr] = opt('--at', '').split(':');
const hitsWanted = Number(opt('--hits', '1'));
const timeoutS = Number(opt('--timeout', '60'));
if (!tsFile || !tsLineStr) { console.error('usage: inspect-break --port 9229 --at src/x.ts:LINE'); process.exit(2); }

const jsFile = path.join(root, 'dist', tsFile.replace(/\.ts$/, '.js'));
const map = new SourceMap(JSON.parse(fs.readFileSync(jsFile + '.map', 'utf8')));
const jsLines = fs.readFileSync(jsFile, 'utf8').split('\n');

/** First generated (js) line whose code maps to the wanted TypeScript line (both 1-based). */
function jsLineFor(tsLine) {
  for (let l = 0; l < jsLines.length; l++) {
    for (let c = 0; c < jsLines[l].length; c++) {
      const e = map.findEntry(l, c);
      if (e && e.generatedLine === l && e.originalLine === tsLine - 1) return l + 1;
    }
  }
  throw new Error(`no code for ${tsFile}:${tsLine} in ${jsFile}`);
}

function tsLocation(url, line0, col0) {
  try {
    const file = url.startsWith('file://') ? new URL(url).pathname : url;
    const m = file.endsWith('.js') && fs.existsSync(file + '.map') ? new SourceMap(JSON.parse(fs.readFileSync(file + '.map', 'utf8'))) : undefined;
    const e = m?.findEntry(line0, col0);
    if (e && e.originalSource) return `${path.relative(root, path.resolve(path.dirname(file), e.originalSource.replace(/^file:\/\//, '')))}:${e.originalLine + 1}`;
    return `${path.relative(root, file)}:${line0 + 1}`;
  } catch { return `${url}:${line0 + 1}`; }
}

async function main() {
  const tsLine = Number(tsLineStr);
  const jsLine = jsLineFor(tsLine);
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  let nextId = 1;
  const pending = new Map();
  const send = (method, params = {}) => new Promise((res) => { const id = nextId++; pending.set(id, res); ws.send(JSON.stringify({ id, method, params })); });
  let hits = 0;
  const scripts = new Map(); // scriptId -> url (call frames carry only the id)
  const timer = setTimeout(() => { console.error(`[inspect-break] no hit within ${timeoutS}s`); process.exit(1); }, timeoutS * 1000);
  ws.onmessage = async (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg.result ?? msg.error); pending.delete(msg.id); return; }
    if (msg.method === 'Debugger.scriptParsed') { scripts.set(msg.params.scriptId, msg.params.url); return; }
    if (msg.method !== 'Debugger.paused') return;
    hits++;
    const frames = msg.params.callFrames;
    console.log(`[inspect-break] paused (hit ${hits}) at ${tsFile}:${tsLine}; stack (TypeScript locations):`);
    for (const f of frames.slice(0, 6)) console.log(`    ${f.functionName || '<anonymous>'}  ${tsLocation(f.url || scripts.get(f.location.scriptId) || '', f.location.lineNumber, f.location.columnNumber ?? 0)}`);
    const local = frames[0].scopeChain.find((s) => s.type === 'local');
    if (local) {
      const props = await send('Runtime.getProperties', { objectId: local.object.objectId, ownProperties: true });
      const shown = (props.result ?? []).slice(0, 8).map((p) => `${p.name}=${p.value?.description ?? p.value?.value}`);
      console.log(`    locals: ${shown.join(', ')}`);
    }
    await send('Debugger.resume');
    if (hits >= hitsWanted) { clearTimeout(timer); await send('Debugger.removeBreakpoint', { breakpointId: bp.breakpointId }); ws.close(); process.exit(0); }
  };
  await new Promise((r) => { ws.onopen = r; });
  await send('Debugger.enable');
  await send('Runtime.runIfWaitingForDebugger');
  const bp = await send('Debugger.setBreakpointByUrl', { url: pathToFileURL(jsFile).href, lineNumber: jsLine - 1 });
  console.log(`[inspect-break] breakpoint ${tsFile}:${tsLine} (= ${path.relative(root, jsFile)}:${jsLine}), ${bp.locations?.length ?? 0} location(s) resolved; waiting`);
}

main().catch((err) => { console.error(`[inspect-break] ${err.message}`); process.exit(1); });
