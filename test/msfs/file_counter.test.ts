import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startMsfs, upload } from './support/msfsHarness';

const dirOf = (p: string): string => p.split('/').slice(1, 3).join('/');

test('the file counter survives a restart, so the directory fill order continues', async () => {
  const m = await startMsfs({ FilesPerDir: 1, FileCnt: 3 });
  const a = await upload(m.port, 'a.bin', randomBytes(10));
  const b = await upload(m.port, 'b.bin', randomBytes(10));
  assert.equal(dirOf(a.json.path!), '000/003', 'FileCnt from the conf is the starting point');
  assert.equal(dirOf(b.json.path!), '000/004');
  await m.server.stop();

  const again = await startMsfs({}, m.confPath);
  try {
    const c = await upload(again.port, 'c.bin', randomBytes(10));
    assert.equal(dirOf(c.json.path!), '000/005');
  } finally {
    await again.server.stop();
  }
});

test('the first-level directory advances after 255 second-level directories', async () => {
  const m = await startMsfs({ FilesPerDir: 2, FileCnt: 2 * 255 - 1 });
  try {
    const a = await upload(m.port, 'a.bin', randomBytes(10));
    const b = await upload(m.port, 'b.bin', randomBytes(10));
    assert.equal(dirOf(a.json.path!), '000/254');
    assert.equal(dirOf(b.json.path!), '001/000');
  } finally {
    await m.server.stop();
  }
});
