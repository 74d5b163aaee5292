import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMsfs, get, rawRequest, type Msfs } from './support/msfsHarness';

let m: Msfs;
let outside: string;
const SECRET = 'top secret outside the store';

before(async () => {
  m = await startMsfs();
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-msfs-outside-'));
  fs.writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  // A symlink planted inside the store must not lead out of it.
  fs.mkdirSync(path.join(m.baseDir, '000', '000'), { recursive: true });
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(m.baseDir, '000', '000', 'link.txt'));
  fs.symlinkSync(outside, path.join(m.baseDir, '000', 'dirlink'));
  fs.writeFileSync(path.join(m.baseDir, '.filecnt'), '7\n');
});
after(async () => {
  await m.server.stop();
  fs.rmSync(outside, { recursive: true, force: true });
});

const rel = (): string => path.relative(m.baseDir, path.join(outside, 'secret.txt'));

test('".." in any form is refused with 400 and never reads outside BaseDir', async () => {
  const targets = [
    `/g0/${rel()}`,
    '/g0/000/../../../../etc/passwd',
    '/g0/%2e%2e/%2e%2e/etc/passwd',
    '/g0/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/g0/000/%00/x',
    '/g0/000/a%5c..%5cb',
    '/g0/%zz',
  ];
  for (const t of targets) {
    const res = await get(m.port, t);
    assert.equal(res.status, 400, t);
    assert.ok(!res.body.toString().includes(SECRET), t);
    assert.ok(!res.body.toString().includes('root:'), t);
  }
});

test('symlinks out of the store, dot-files and directories are 404', async () => {
  for (const t of ['/g0/000/000/link.txt', '/g0/000/dirlink/secret.txt', '/g0/.filecnt', '/g0/.tmp', '/g0/000/000', '/g0/000', '//etc/passwd', '/g0//etc/passwd']) {
    const res = await get(m.port, t);
    assert.equal(res.status, 404, t);
    assert.ok(!res.body.toString().includes(SECRET), t);
  }
});

test('an absolute-form target cannot escape either', async () => {
  const res = await rawRequest(m.port, `GET http://x/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.ok(res.status === 400 || res.status === 404, String(res.status));
  assert.ok(!res.body.toString().includes('root:'));
});
