import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startMsfs, upload, get, type Msfs } from './support/msfsHarness';

let m: Msfs;
let data: Buffer;
let p: string;
before(async () => {
  m = await startMsfs();
  data = randomBytes(10_000);
  p = `/${(await upload(m.port, 'r.png', data)).json.path!}`;
});
after(async () => { await m.server.stop(); });

test('HEAD gives the headers of GET without a body', async () => {
  const res = await get(m.port, p, '', 'HEAD');
  assert.equal(res.status, 200);
  assert.equal(Number(res.headers.get('content-length')), data.length);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.equal(res.body.length, 0);
});

test('Range requests get 206 with the exact slice', async () => {
  const a = await get(m.port, p, 'Range: bytes=100-199\r\n');
  assert.equal(a.status, 206);
  assert.equal(a.headers.get('content-range'), `bytes 100-199/${data.length}`);
  assert.ok(a.body.equals(data.subarray(100, 200)));
  const tail = await get(m.port, p, 'Range: bytes=-10\r\n');
  assert.ok(tail.body.equals(data.subarray(data.length - 10)));
  const open = await get(m.port, p, 'Range: bytes=9990-\r\n');
  assert.ok(open.body.equals(data.subarray(9990)));
});

test('an unsatisfiable range is 416', async () => {
  const res = await get(m.port, p, `Range: bytes=${data.length}-\r\n`);
  assert.equal(res.status, 416);
  assert.equal(res.headers.get('content-range'), `bytes */${data.length}`);
});
