import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { startMsfs, upload, get, type Msfs } from './support/msfsHarness';

let m: Msfs;
before(async () => { m = await startMsfs(); });
after(async () => { await m.server.stop(); });

test('<stored>_100x100.jpg of a stored PNG is a 100x100 JPEG, served again from the cache', async () => {
  const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 200, g: 30, b: 90 } } }).png().toBuffer();
  const { json } = await upload(m.port, 'avatar.png', png);
  assert.equal(json.error_code, 0);
  const first = await get(m.port, `/${json.path}_100x100.jpg`);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('content-type'), 'image/jpeg');
  const meta = await sharp(first.body).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.width, 100);
  assert.equal(meta.height, 100);
  const again = await get(m.port, `/${json.path}_100x100.jpg`);
  assert.ok(again.body.equals(first.body));
  // The original stays untouched.
  const orig = await get(m.port, `/${json.path}`);
  assert.ok(orig.body.equals(png));
});

test('a variant larger than the source is not enlarged', async () => {
  const png = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#00ff00' } }).png().toBuffer();
  const { json } = await upload(m.port, 'small.png', png);
  const v = await get(m.port, `/${json.path}_200x200.png`);
  const meta = await sharp(v.body).metadata();
  assert.equal(meta.width, 40);
  assert.equal(meta.height, 40);
});

test('a variant of something that is not an image serves the original bytes', async () => {
  const junk = randomBytes(500);
  const { json } = await upload(m.port, 'not-an-image.jpg', junk);
  const v = await get(m.port, `/${json.path}_100x100.jpg`);
  assert.equal(v.status, 200);
  assert.ok(v.body.equals(junk));
});

test('a variant of a missing file is 404', async () => {
  const v = await get(m.port, '/g0/000/000/1700000000000000_1.jpg_100x100.jpg');
  assert.equal(v.status, 404);
});
