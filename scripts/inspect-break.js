#!/usr/bin/env node
// A tiny Chrome DevTools Protocol client for scripted TypeScript breakpoints (docs/debugging.md):
//   node scripts/inspect-break.js --port 9229 --at src/net/NativeTransport.ts --fn NativeLoop.accept
//   node scripts/inspect-break.js --port 9229 --at src/net/NativeTransport.ts --match 'l.onAccept(info)'
//   node scripts/inspect-break.js --port 9229 --at src/net/NativeTransport.ts:120      (a fixed line)
//   [--hits 1] [--timeout 60] [--dry-run: print where the breakpoint would go, and exit]
// Line numbers move with every edit, so the location is normally found at run time: --fn breaks on
// the first statement of a function or method (Class.method when the name alone is ambiguous),
// --match on the first line containing the text (a line without code, such as a comment, means the
// next line that has code). The search runs over the TypeScript the running build was compiled
// from (the source map's inlined sources), then maps the .ts line to the compiled .js line through
// dist/**/*.js.map, sets the breakpoint in the running process, prints each hit (TypeScript
// locations of the stack, mapped back, and the frame's locals), resumes, and exits after --hits
// hits. Used by hand or from a shell script next to `gdb -batch`, so a native and a TypeScript
// breakpoint can be hit in the same process.
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
const fnName = opt('--fn');
const matchText = opt('--match');
const hitsWanted = Number(opt('--hits', '1'));
const timeoutS = Number(opt('--timeout', '60'));
if (!tsFile || [tsLineStr, fnName, matchText].filter((x) => x !== undefined).length !== 1) {
  console.error('usage: inspect-break [--port 9229] --at src/x.ts (--fn [Class.]name | --match TEXT) | --at src/x.ts:LINE');
  process.exit(2);
}

const jsFile = path.join(root, 'dist', tsFile.replace(/\.ts$/, '.js'));
const mapJson = JSON.parse(fs.readFileSync(jsFile + '.map', 'utf8'));
const map = new SourceMap(mapJson);
const jsLines = fs.readFileSync(jsFile, 'utf8').split('\n');

/** The TypeScript this build was compiled from (inlined by tsc's inlineSources), else the file. */
function tsSource() {
  const inlined = mapJson.sourcesContent && mapJson.sourcesContent[0];
  return (inlined ?? fs.readFileSync(path.join(root, tsFile), 'utf8')).split('\n');
}

/** First generated (js) line whose code maps to the wanted TypeScript line (both 1-based), or 0. */
function jsLineFor(tsLine) {
  for (let l = 0; l < jsLines.length; l++) {
    for (let c = 0; c < jsLines[l].length; c++) {
      const e = map.findEntry(l, c);
      if (e && e.generatedLine === l && e.originalLine === tsLine - 1) return l + 1;
    }
  }
  return 0;
}

/** From `tsLine` on, the first TypeScript line that has compiled code: [tsLine, jsLine]. */
function firstCodeFrom(tsLine, lines, what) {
  for (let t = tsLine; t <= lines.length && t < tsLine + 40; t++) {
    if (/^\s*($|\/\/|\/\*|\*)/.test(lines[t - 1])) continue; // blank or comment (tsc maps comments too)
    const j = jsLineFor(t);
    if (j > 0) return [t, j];
  }
  throw new Error(`no compiled code at or after ${tsFile}:${tsLine} (${what}) in ${path.relative(root, jsFile)}`);
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The line of `{` that opens function/method `name` (optionally inside `class Cls`): a declaration
 * such as `private accept(...): void {`, `function accept(`, `accept = (...) => {`; a call or an
 * overload signature (ending in `;` before any `{`) does not count.
 */
function findFunction(lines, qualified) {
  const [cls, name] = qualified.includes('.') ? qualified.split('.') : [undefined, qualified];
  let from = 0;
  let to = lines.length;
  if (cls) {
    from = lines.findIndex((l) => new RegExp(`\\bclass\\s+${esc(cls)}\\b`).test(l));
    if (from < 0) throw new Error(`no class ${cls} in ${tsFile}`);
    const next = lines.findIndex((l, i) => i > from && /^(export\s+)?(abstract\s+)?class\s/.test(l));
    if (next > 0) to = next;
  }
  const mods = '(?:(?:export|default|async|static|private|public|protected|override|readonly|function|get|set)\\s+)*';
  const decl = new RegExp(`^\\s*${mods}${esc(name)}\\s*(?:<[^>]*>)?\\s*(?:\\(|=\\s*(?:async\\s*)?(?:\\(|function\\b))`);
  const found = [];
  for (let i = from; i < to; i++) {
    if (!decl.test(lines[i]) || /^\s*(return|await|void|new)\b/.test(lines[i])) continue;
    for (let k = i; k < Math.min(to, i + 15); k++) {
      const code = lines[k].replace(/\/\/.*$/, '');
      const brace = code.indexOf('{');
      const semi = code.indexOf(';');
      if (semi >= 0 && (brace < 0 || semi < brace)) break; // a call or a signature without body
      if (brace >= 0) { found.push([i + 1, k + 1]); break; }
    }
  }
  if (found.length === 0) throw new Error(`no function ${qualified} in ${tsFile}`);
  if (found.length > 1) console.log(`[inspect-break] ${qualified} is declared ${found.length} times (lines ${found.map((f) => f[0]).join(', ')}); using the first, qualify it as Class.${name} to choose`);
  return found[0];
}

/** [tsLine, jsLine, description] of the breakpoint, resolved against the current build. */
function resolveLocation() {
  if (tsLineStr !== undefined) {
    const tsLine = Number(tsLineStr);
    const j = jsLineFor(tsLine);
    if (j === 0) throw new Error(`no code for ${tsFile}:${tsLine} in ${jsFile}`);
    return [tsLine, j, `${tsFile}:${tsLine}`];
  }
  const lines = tsSource();
  if (fnName !== undefined) {
    const [declLine, openLine] = findFunction(lines, fnName);
    const [t, j] = firstCodeFrom(openLine + 1, lines, `body of ${fnName}`);
    return [t, j, `${fnName}() (declared at ${tsFile}:${declLine}), first statement ${tsFile}:${t}`];
  }
  const idx = lines.findIndex((l) => l.includes(matchText));
  if (idx < 0) throw new Error(`no line of ${tsFile} contains ${JSON.stringify(matchText)}`);
  const [t, j] = firstCodeFrom(idx + 1, lines, `match ${JSON.stringify(matchText)}`);
  return [t, j, `${JSON.stringify(matchText)} (${tsFile}:${idx + 1})${t !== idx + 1 ? `, code at ${tsFile}:${t}` : ''}`];
}

function tsLocation(url, line0, col0) {
  try {
    const file = url.startsWith('file://') ? new URL(url).pathname : url;
    const m = file.endsWith('.js') && fs.existsSync(file + '.map') ? new SourceMap(JSON.parse(fs.readFileSync(file + '.map', 'utf8'))) : undefined;
    // A pause column before the line's first mapping segment would map to the previous line.
    let e = m?.findEntry(line0, col0);
    for (let c = col0 + 1; m && e && e.generatedLine < line0 && c < col0 + 400; c++) e = m.findEntry(line0, c);
    if (e && e.originalSource) return `${path.relative(root, path.resolve(path.dirname(file), e.originalSource.replace(/^file:\/\//, '')))}:${e.originalLine + 1}`;
    return `${path.relative(root, file)}:${line0 + 1}`;
  } catch { return `${url}:${line0 + 1}`; }
}

async function main() {
  const [tsLine, jsLine, where] = resolveLocation();
  if (argv.includes('--dry-run')) {
    console.log(`[inspect-break] would break at ${where} (= ${path.relative(root, jsFile)}:${jsLine})`);
    return;
  }
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
  const url = pathToFileURL(jsFile).href;
  // The lines were found in dist/ as it is now; a server started before the last build runs other code.
  const loaded = [...scripts].find(([, u]) => u === url);
  if (loaded) {
    const src = await send('Debugger.getScriptSource', { scriptId: loaded[0] });
    if (src && typeof src.scriptSource === 'string' && src.scriptSource !== jsLines.join('\n')) {
      console.log(`[inspect-break] warning: the process runs an older ${path.relative(root, jsFile)} than dist/ holds now (rebuilt since it started): restart it, or the line may be wrong`);
    }
  } else {
    console.log(`[inspect-break] ${path.relative(root, jsFile)} is not loaded (yet); the breakpoint applies when it is`);
  }
  const bp = await send('Debugger.setBreakpointByUrl', { url, lineNumber: jsLine - 1 });
  console.log(`[inspect-break] breakpoint at ${where} (= ${path.relative(root, jsFile)}:${jsLine}), ${bp.locations?.length ?? 0} location(s) resolved; waiting`);
}

main().catch((err) => { console.error(`[inspect-break] ${err.message}`); process.exit(1); });
