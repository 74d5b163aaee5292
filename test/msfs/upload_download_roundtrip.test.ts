import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startMsfs, upload, get, rawRequest, multipart, uploadRequest, type Msfs } from './support/msfsHarness';

let m: Msfs;
before(async () => { m = await startMsfs(); });
after(async () => { await m.server.stop(); });

test('an Android-style upload answers the original one-line JSON and the file downloads byte for byte', async () => {
  const data = randomBytes(70_000);
  const { res, json } = await upload(m.port, 'photo.jpg', data);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('connection'), 'close');
  assert.equal(res.headers.get('content-type'), 'text/html;charset=utf-8');
  assert.ok(res.closed, 'one request per connection');
  const text = res.body.toString('utf8');
  assert.ok(!text.includes('\n'), 'the reply is one line (Android parses the first line)');
  assert.match(json.path!, /^g0\/000\/000\/\d{16}_\d+\.jpg$/);
  assert.equal(text, `{"error_code":0,"error_msg": "成功","path":"${json.path}","url":"http://127.0.0.1:${m.port}/${json.path}"}`);

  const dl = await get(m.port, `/${json.path}`);
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'image/jpeg');
  assert.equal(Number(dl.headers.get('content-length')), data.length);
  assert.ok(dl.body.equals(data), 'download returns exactly the uploaded bytes');
  // The file is on disk under BaseDir/000/000 with the original naming.
  const onDisk = fs.readFileSync(path.join(m.baseDir, json.path!.slice('g0/'.length)));
  assert.ok(onDisk.equals(data));
});

test('the first segment of a download path is ignored, like the original', async () => {
  const data = randomBytes(1000);
  const { json } = await upload(m.port, 'x.bin', data);
  const other = json.path!.replace(/^g0\//, 'anything/');
  const dl = await get(m.port, `/${other}`);
  assert.equal(dl.status, 200);
  assert.ok(dl.body.equals(data));
  assert.equal(dl.headers.get('content-type'), 'application/octet-stream');
});

test('a size hint in the client name becomes the stored suffix (a.png_640x480.png)', async () => {
  const { json } = await upload(m.port, 'a.png_640x480.png', randomBytes(100));
  assert.equal(json.error_code, 0);
  assert.match(json.path!, /^g0\/000\/000\/\d{16}_\d+_640x480\.png$/);
});

test('an iOS-style upload (form field first, quoted boundary) stores the image part', async () => {
  const boundary = 'Boundary+0xAbCdEf';
  const data = randomBytes(5000);
  const body = multipart(boundary, [
    { name: 'type', data: 'im_image' },
    { name: 'image', filename: 'image.png_320x240.png', contentType: 'image/jpeg', data },
  ]);
  const res = await rawRequest(m.port, uploadRequest(body, { contentType: `multipart/form-data; boundary="${boundary}"`, host: 'im.example.com:8700' }));
  const json = JSON.parse(res.body.toString('utf8')) as { error_code: number; path: string; url: string };
  assert.equal(json.error_code, 0);
  assert.equal(json.url, `http://im.example.com:8700/${json.path}`);
  const dl = await get(m.port, `/${json.path}`);
  assert.ok(dl.body.equals(data));
});

test('a file part without its own Content-Type (db_proxy audio, PHP) is accepted', async () => {
  const boundary = 'xyz';
  const data = randomBytes(3000);
  const body = multipart(boundary, [{ name: 'file', filename: '1.audio', data }]);
  const res = await rawRequest(m.port, uploadRequest(body, { boundary, path: '/upload/' }));
  const json = JSON.parse(res.body.toString('utf8')) as { error_code: number; path: string };
  assert.equal(json.error_code, 0);
  assert.match(json.path, /\.audio$/);
  const dl = await get(m.port, `/${json.path}`);
  assert.ok(dl.body.equals(data));
});

test('an empty file round-trips', async () => {
  const { json } = await upload(m.port, 'empty.txt', Buffer.alloc(0));
  assert.equal(json.error_code, 0);
  const dl = await get(m.port, `/${json.path}`);
  assert.equal(dl.status, 200);
  assert.equal(dl.body.length, 0);
});

test('a missing file is 404 with a well-formed header block; other methods are 403', async () => {
  const nf = await get(m.port, '/g0/000/000/nope.jpg');
  assert.equal(nf.status, 404);
  assert.ok(nf.raw.includes(Buffer.from('\r\n\r\n')), 'header block ends with CRLF CRLF');
  assert.ok(!nf.raw.includes(0), 'no NUL byte (Original bug)');
  const single = await get(m.port, '/g0');
  assert.equal(single.status, 404);
  const del = await get(m.port, '/g0/000/000/x', '', 'DELETE');
  assert.equal(del.status, 403);
});

test('a PublicUrl in the conf replaces the Host header in reply URLs', async () => {
  const m2 = await startMsfs({ PublicUrl: 'http://files.example.com:8700' });
  try {
    const { json } = await upload(m2.port, 'p.gif', randomBytes(10), 'evil.example.net');
    assert.equal(json.url, `http://files.example.com:8700/${json.path}`);
  } finally {
    await m2.server.stop();
  }
});
