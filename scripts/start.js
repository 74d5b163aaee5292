#!/usr/bin/env node
// `npm start`: install if needed, build, provision MariaDB/Redis, then `tt start` (every server
// under supervision) until Ctrl-C. Running it again reuses the databases of the previous run.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { bootstrap, printTimings, say, root } = require('./bootstrap');

bootstrap({ test: false });
printTimings();
const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'tt.js'), 'start', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches the whole process group; the supervisor handles it, we only wait for it. A
// SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  say(`tt start exited (${signal ?? `code ${code}`})`);
  process.exit(code ?? 1);
});
