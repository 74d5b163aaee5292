import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startMsfs, rawRequest, multipart, uploadRequest } from './support/msfsHarness';

const TOO_LARGE = '{"error_code":1,"error_msg": "上传文件过大","url":""}';

test('a Content-Length over 10 MiB is refused before any body byte is read (413 + the original JSON)', async () => {
  const m = await startMsfs();
  try {
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 10485761\r\n\r\n';
    const t0 = Date.now();
    const res = await rawRequest(m.port, head, 3000);
    assert.equal(res.timedOut, false, 'the server answers without waiting for the body');
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(res.status, 413);
    assert.equal(res.body.toString('utf8'), TOO_LARGE);
  } finally {
    await m.server.stop();
  }
});

test('a chunked body that grows over MaxUploadBytes is cut off with 413', async () => {
  const m = await startMsfs({ MaxUploadBytes: 64 * 1024 });
  try {
    const part = multipart('b', [{ name: 'f', filename: 'big.bin', contentType: 'application/octet-stream', data: randomBytes(200 * 1024) }]);
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n';
    const chunked = Buffer.concat([Buffer.from(head), Buffer.from(part.length.toString(16) + '\r\n'), part, Buffer.from('\r\n0\r\n\r\n')]);
    const res = await rawRequest(m.port, chunked, 5000);
    assert.equal(res.status, 413);
    assert.equal(res.body.toString('utf8'), TOO_LARGE);
  } finally {
    await m.server.stop();
  }
});

test('a body of exactly MaxUploadBytes is stored; one byte more is refused', async () => {
  const limit = 32 * 1024;
  const m = await startMsfs({ MaxUploadBytes: limit });
  try {
    const bodyOf = (n: number): Buffer => multipart('b', [{ name: 'f', filename: 'a.bin', contentType: 'application/octet-stream', data: randomBytes(n) }]);
    const overhead = bodyOf(0).length;
    const exact = bodyOf(limit - overhead);
    assert.equal(exact.length, limit);
    const ok = await rawRequest(m.port, uploadRequest(exact, { boundary: 'b' }));
    assert.equal(ok.status, 200);
    assert.equal((JSON.parse(ok.body.toString('utf8')) as { error_code: number }).error_code, 0);
    const over = await rawRequest(m.port, uploadRequest(bodyOf(limit - overhead + 1), { boundary: 'b' }));
    assert.equal(over.status, 413);
    assert.equal(over.body.toString('utf8'), TOO_LARGE);
  } finally {
    await m.server.stop();
  }
});
