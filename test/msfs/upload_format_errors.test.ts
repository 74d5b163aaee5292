import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startMsfs, rawRequest, multipart, uploadRequest, type Msfs } from './support/msfsHarness';

let m: Msfs;
before(async () => { m = await startMsfs(); });
after(async () => { await m.server.stop(); });

async function expectFormatError(req: Buffer, code: number): Promise<void> {
  const res = await rawRequest(m.port, req);
  assert.equal(res.status, 400, `status for code ${code}`);
  assert.equal(res.body.toString('utf8'), `{"error_code":${code},"error_msg": "格式错误","path":"","url":""}`);
}

test('no boundary in Content-Type is error 4', async () => {
  const body = multipart('b', [{ name: 'f', filename: 'a.jpg', contentType: 'image/jpeg', data: 'x' }]);
  await expectFormatError(uploadRequest(body, { contentType: 'multipart/form-data' }), 4);
  await expectFormatError(uploadRequest(body, { contentType: 'application/octet-stream' }), 4);
});

test('a body without any part is error 2; parts without a filename are error 3', async () => {
  await expectFormatError(uploadRequest(Buffer.from('--b--\r\n'), { boundary: 'b' }), 2);
  await expectFormatError(uploadRequest(multipart('b', [{ name: 'type', data: 'im_image' }]), { boundary: 'b' }), 3);
});

test('file name rules: no extension 10, unsafe extension 10, extension over 15 bytes 9, name over 255 bytes 11', async () => {
  const one = (filename: string): Buffer => uploadRequest(multipart('b', [{ name: 'f', filename, contentType: 'image/jpeg', data: 'abc' }]), { boundary: 'b' });
  await expectFormatError(one('noext'), 10);
  await expectFormatError(one('x.a%2Fb c'), 10);
  await expectFormatError(one('x.abcdefghijklmnop'), 9);
  await expectFormatError(one(`${'n'.repeat(260)}.jpg`), 11);
});

test('a body cut before its closing boundary is error 8; boundary absent from the body is error 5', async () => {
  const full = multipart('b', [{ name: 'f', filename: 'a.jpg', contentType: 'image/jpeg', data: 'abcdef' }]);
  const cut = full.subarray(0, full.length - 10); // inside the file data: the closing boundary is gone
  await expectFormatError(uploadRequest(cut, { boundary: 'b' }), 8);
  await expectFormatError(uploadRequest(Buffer.from('just some bytes without the boundary'), { boundary: 'b' }), 5);
});

test('malformed part headers are error 7', async () => {
  const body = Buffer.from(`--b\r\n${'X-Junk: '.padEnd(20000, 'y')}\r\n\r\ndata\r\n--b--\r\n`);
  await expectFormatError(uploadRequest(body, { boundary: 'b' }), 7);
});

test('refused uploads leave no file behind and the server keeps serving', async () => {
  const files = fs.readdirSync(path.join(m.baseDir, '.tmp'));
  assert.deepEqual(files, [], 'temporary files are removed');
  const ok = uploadRequest(multipart('b', [{ name: 'f', filename: 'a.jpg', contentType: 'image/jpeg', data: 'fine' }]), { boundary: 'b' });
  const res = await rawRequest(m.port, ok);
  assert.equal(res.status, 200);
});
