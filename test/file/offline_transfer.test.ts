import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fsn from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import type { PduClient } from './support/PduClient';
import { createTask, eventually, fileLogin, startFileServer, storedFiles } from './support/fileServer';

const SENDER = 1;
const RECEIVER = 2;
const SIZE = 50 * 1024 * 1024 + 12345; // not a multiple of the segment size: the last one is short
const SEGMENT = 32768;

/** Answer file_server's pulls until it says DONE; returns how many segments were asked for. */
async function upload(c: PduClient, taskId: string, file: Buffer): Promise<number> {
  let n = 0;
  for (;;) {
    const p = await c.next();
    if (p.header.commandId === Cid.CID_FILE_STATE) {
      const st = decodeBody(IM.File.IMFileState, p.body);
      assert.equal(st.state, 3, 'upload ends with DONE');
      assert.equal(st.userId, SENDER);
      return n;
    }
    assert.equal(p.header.commandId, Cid.CID_FILE_PULL_DATA_REQ);
    const req = decodeBody(IM.File.IMFilePullDataReq, p.body);
    assert.equal(req.offset, n * SEGMENT);
    assert.equal(req.dataSize, Math.min(SEGMENT, file.length - req.offset));
    assert.equal(req.transMode, 2);
    n++;
    c.send(Cid.CID_FILE_PULL_DATA_RSP, encodeBody(IM.File.IMFilePullDataRsp, {
      resultCode: 0, taskId, userId: SENDER, offset: req.offset, fileData: file.subarray(req.offset, req.offset + req.dataSize),
    }));
  }
}

/** Pull the stored file sequentially; returns its sha256. */
async function download(c: PduClient, taskId: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  let offset = 0;
  let seq = 500;
  while (offset < size) {
    seq++;
    // data_size is ignored by the server (edge.md §1.11 step 3): ask for something else on purpose.
    c.send(Cid.CID_FILE_PULL_DATA_REQ, encodeBody(IM.File.IMFilePullDataReq, { taskId, userId: RECEIVER, transMode: 2, offset, dataSize: 1000 }), { seq });
    const p = await c.next(Cid.CID_FILE_PULL_DATA_RSP);
    assert.equal(p.header.seq, seq);
    const d = decodeBody(IM.File.IMFilePullDataRsp, p.body);
    assert.equal(d.resultCode, 0);
    assert.equal(d.offset, offset);
    assert.equal(d.fileData.length, Math.min(SEGMENT, size - offset));
    hash.update(d.fileData);
    offset += d.fileData.length;
  }
  const done = decodeBody(IM.File.IMFileState, (await c.next(Cid.CID_FILE_STATE)).body);
  assert.equal(done.state, 3);
  assert.equal(done.userId, SENDER, 'DONE to the downloader names the sender (edge.md §1.11 step 5)');
  await c.waitClosed();
  return hash.digest('hex');
}

test('offline transfer: a 50 MiB upload is stored and later downloaded byte-identically, twice', { timeout: 120_000 }, async () => {
  const fs = await startFileServer();
  try {
    const file = randomBytes(SIZE);
    const want = createHash('sha256').update(file).digest('hex');
    const { taskId, rsp } = await createTask(fs.link, { from: SENDER, to: RECEIVER, name: 'report 2026.pdf', size: SIZE, mode: 2 });
    assert.equal(rsp.resultCode, 0);

    // A download before the upload is refused (state 1 accepts only the uploader).
    const early = await fileLogin(fs.server.ports.client!, RECEIVER, taskId, 4);
    assert.equal(early.result, 1);
    await early.client.waitClosed();

    const up = await fileLogin(fs.server.ports.client!, SENDER, taskId, 3);
    assert.equal(up.result, 0);
    assert.equal(await upload(up.client, taskId, file), Math.ceil(SIZE / SEGMENT));
    await up.client.waitClosed();
    assert.equal(fs.server.ctx.tasks.size, 0, 'the task leaves memory once the file is on disk');

    // On disk: <root>/<id[0..1]>/<id>, 960-byte header + data, the name stored (edge.md §1.10, §1.15).
    const stored = storedFiles(fs.storeDir);
    assert.deepEqual(stored.map((f) => path.relative(fs.storeDir, f.path)), [path.join(taskId.slice(0, 2), taskId)]);
    assert.equal(stored[0]!.size, 960 + SIZE);
    const header = Buffer.alloc(960);
    const fd = fsn.openSync(stored[0]!.path, 'r');
    fsn.readSync(fd, header, 0, 960, 0);
    fsn.closeSync(fd);
    const field = (o: number, n: number): string => header.subarray(o, o + n).toString('utf8').replace(/\0+$/, '');
    assert.equal(field(0, 128), taskId);
    assert.equal(field(128, 64), String(SENDER));
    assert.equal(field(192, 64), String(RECEIVER));
    assert.equal(field(384, 512), 'report 2026.pdf');
    assert.equal(field(896, 64), String(SIZE));

    // Only the receiver may download.
    const wrong = await fileLogin(fs.server.ports.client!, 3, taskId, 4);
    assert.equal(wrong.result, 1);
    await wrong.client.waitClosed();

    for (let round = 0; round < 2; round++) {
      const down = await fileLogin(fs.server.ports.client!, RECEIVER, taskId, 4);
      assert.equal(down.result, 0);
      assert.equal(await download(down.client, taskId, SIZE), want);
      await eventually(() => fs.server.ctx.tasks.size === 0, 'the download task leaves memory');
    }
  } finally {
    await fs.stop();
  }
});

test('offline transfer of a zero-byte file finishes right after the logins', { timeout: 20_000 }, async () => {
  const fs = await startFileServer();
  try {
    const { taskId } = await createTask(fs.link, { from: SENDER, to: RECEIVER, name: 'empty.txt', size: 0, mode: 2 });
    const up = await fileLogin(fs.server.ports.client!, SENDER, taskId, 3);
    assert.equal(up.result, 0);
    const st = decodeBody(IM.File.IMFileState, (await up.client.next(Cid.CID_FILE_STATE)).body);
    assert.equal(st.state, 3);
    await up.client.waitClosed();
    const down = await fileLogin(fs.server.ports.client!, RECEIVER, taskId, 4);
    assert.equal(down.result, 0);
    assert.equal(decodeBody(IM.File.IMFileState, (await down.client.next(Cid.CID_FILE_STATE)).body).state, 3);
    await down.client.waitClosed();
  } finally {
    await fs.stop();
  }
});
