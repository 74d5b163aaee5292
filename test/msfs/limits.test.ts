// The limits of edge.md §2.10 and its Rewrite that need a server of their own: the free-disk floor
// (MinFreeDiskMB), the whole-request deadline for a slow body (RequestTimeoutMs), the largest
// resized side (ThumbnailMaxSide), and the decoded-pixel cap that keeps a decompression bomb from
// being inflated (sharp's limitInputPixels, 64 Mi pixels).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { captureLog, until } from '../net/support/transports';
import { get, multipart, rawRequest, startMsfs, upload, uploadRequest } from './support/msfsHarness';

/** Every file under `dir` (the store's counter file and temp dir excluded by name). */
function storedFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/count|\.tmp$/i.test(e.name))
    .map((e) => e.name);
}

test('MinFreeDiskMB: with less free space than the floor an upload gets 507, code 13, and a log line; nothing is stored', async () => {
  const cap = captureLog();
  // About a petabyte: no test machine has that much free.
  const m = await startMsfs({ MinFreeDiskMB: 1_000_000_000 }, undefined, { log: cap.log });
  try {
    const { res, json } = await upload(m.port, 'a.jpg', Buffer.from('jpeg bytes'));
    assert.equal(res.status, 507);
    assert.equal(json.error_code, 13);
    assert.equal(json.error_msg, '存储空间不足');
    assert.ok(cap.lines.some((l) => l.msg === 'upload refused: store file system nearly full'), 'logged');
    assert.deepEqual(storedFiles(m.baseDir), []);
  } finally {
    await m.server.stop();
  }
});

test('RequestTimeoutMs: an upload body that trickles in past the deadline gets 408 and a closed connection', async () => {
  const cap = captureLog();
  const m = await startMsfs({ HeadersTimeoutMs: 300, RequestTimeoutMs: 800, IdleTimeoutMs: 10_000 }, undefined, { log: cap.log });
  try {
    const boundary = 'xyzzy';
    const body = multipart(boundary, [{ name: 'file0', filename: 'slow.jpg', data: Buffer.alloc(4000, 1) }]);
    const req = uploadRequest(body, { boundary, host: `127.0.0.1:${m.port}` });
    const headLen = req.indexOf('\r\n\r\n') + 4;
    const t0 = Date.now();
    // The head at once, then 10 body bytes every 100 ms: never idle, but 4 KiB would take 40 s.
    const res = await rawRequest(m.port, req.subarray(0, headLen), 8000, (s) => {
      let i = headLen;
      const iv = setInterval(() => {
        if (s.destroyed || i >= req.length) { clearInterval(iv); return; }
        s.write(req.subarray(i, i + 10)); i += 10;
      }, 100);
      s.on('close', () => clearInterval(iv));
    });
    const took = Date.now() - t0;
    assert.equal(res.timedOut, false, 'the server closed the connection');
    assert.equal(res.status, 408);
    assert.ok(took >= 700 && took < 4000, `closed after ${took} ms`);
    await until(() => cap.lines.some((l) => l.msg === 'bad or slow HTTP request; closing connection' && l.status === 408), 2000, 'log line');
    // The aborted body's temporary file goes too (asynchronously, once the parser sees the abort).
    await until(() => storedFiles(m.baseDir).length === 0, 3000, `the partial upload left nothing (${storedFiles(m.baseDir).join(', ')})`);
  } finally {
    await m.server.stop();
  }
});

test('ThumbnailMaxSide: a variant up to the maximum is resized; one side over it serves the original bytes', async () => {
  const m = await startMsfs({ ThumbnailMaxSide: 64 });
  try {
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3366cc' } }).png().toBuffer();
    const { json } = await upload(m.port, 'photo.png', png);
    assert.equal(json.error_code, 0);
    const atMax = await get(m.port, `/${json.path}_64x64.png`);
    assert.equal(atMax.status, 200);
    const meta = await sharp(atMax.body).metadata();
    assert.deepEqual([meta.width, meta.height], [64, 64]);
    for (const size of ['65x10', '10x65', '100x100']) {
      const over = await get(m.port, `/${json.path}_${size}.png`);
      assert.equal(over.status, 200, size);
      assert.ok(over.body.equals(png), `${size}: the stored image itself`);
    }
  } finally {
    await m.server.stop();
  }
});

/**
 * A valid PNG declaring 10000 x 10000 1-bit grey pixels (100 M pixels, over our 64 Mi cap but under
 * sharp's own default of 268 M, so only our cap stops it): all rows zero, about 12 KiB deflated.
 */
function pixelBombPng(side: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0); ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc(side * (1 + Math.ceil(side / 8))); // filter byte 0 + packed row, all zero
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

test('a decompression bomb (a tiny PNG declaring 100 M pixels) is never decoded: its variant serves the stored bytes', async () => {
  const cap = captureLog();
  const m = await startMsfs({}, undefined, { log: cap.log });
  try {
    const bomb = pixelBombPng(10_000);
    assert.ok(bomb.length < 64 * 1024, `bomb is ${bomb.length} bytes`);
    const meta = await sharp(bomb).metadata(); // the header is genuine
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 10_000, 10_000]);

    const { json } = await upload(m.port, 'bomb.png', bomb);
    assert.equal(json.error_code, 0);
    const t0 = Date.now();
    const v = await get(m.port, `/${json.path}_100x100.png`);
    assert.equal(v.status, 200);
    assert.ok(v.body.equals(bomb), 'the stored file itself, not a resize');
    assert.ok(Date.now() - t0 < 2000, 'refused from the header, not after decoding');
    const line = cap.lines.find((l) => l.msg === 'thumbnail: source is not a decodable image; serving the original');
    assert.ok(line, 'logged');
    assert.match(String(line.err), /pixel limit/i);
  } finally {
    await m.server.stop();
  }
});
