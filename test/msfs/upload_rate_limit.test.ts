import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startMsfs, upload } from './support/msfsHarness';

test('uploads over UploadsPerMinute from one address get 429; downloads are not limited', async () => {
  const m = await startMsfs({ UploadsPerMinute: 3 });
  try {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await upload(m.port, `r${i}.bin`, randomBytes(10))).res.status);
    assert.deepEqual(codes, [200, 200, 200, 429, 429]);
    const refused = await upload(m.port, 'again.bin', randomBytes(10));
    assert.equal(refused.json.error_code, 12);
  } finally {
    await m.server.stop();
  }
});
