import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { startMsfs, upload, get } from './support/msfsHarness';

test('with CacheBytes=0 files are streamed from disk: whole, ranged and resized all correct', async () => {
  const m = await startMsfs({ CacheBytes: 0 });
  try {
    const data = randomBytes(300_000);
    const { json } = await upload(m.port, 'big.bin', data);
    const whole = await get(m.port, `/${json.path}`);
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(data));
    const part = await get(m.port, `/${json.path}`, 'Range: bytes=1000-250999\r\n');
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(data.subarray(1000, 251000)));

    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#123456' } }).png().toBuffer();
    const img = await upload(m.port, 'i.png', png);
    const thumb = await get(m.port, `/${img.json.path}_64x64.png`);
    const meta = await sharp(thumb.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 64, 64]);
  } finally {
    await m.server.stop();
  }
});
