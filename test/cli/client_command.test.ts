// `tt client` logs in through login_server's HTTP answer the way a shipped client does and sends a
// text that another user really receives (the original C++ test client could not log in at all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '../helpers';
import { TestSystem, useFreshSystem } from '../e2e/TestSystem';

let sys: TestSystem;

useFreshSystem((s) => { sys = s; });

function tt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, 'dist/src/cli/tt.js'), ...args], { timeout: 20_000, env: { ...process.env, LOG_LEVEL: 'silent' } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

test('tt client logs alice in via login_server and her text reaches bob', async () => {
  const bob = await sys.loggedIn('bob');
  const url = `http://127.0.0.1:${sys.loginHttpPort}/msg_server`;
  const run = tt(['client', '--login-url', url, '-u', 'alice', '--to', '2', '--text', 'hello from the cli']);
  const got = await bob.receiveText((m) => m.fromUserId === 1, 15_000);
  assert.equal(got.text, 'hello from the cli');
  const r = await run;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`msg_server 127\\.0\\.0\\.1:${sys.msgPort()}`));
  assert.match(r.stdout, /logged in as Alice \(user id 1\)/);
  assert.match(r.stdout, new RegExp(`stored as msg ${got.msg.msgId}`));
});

test('tt client reports a refused login with the result code and exits 1', async () => {
  const url = `http://127.0.0.1:${sys.loginHttpPort}/msg_server`;
  const r = await tt(['client', '--login-url', url, '-u', 'carol', '-p', 'wrong']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /login refused: result 6/);
});
