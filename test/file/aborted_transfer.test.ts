import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import type { PduClient } from './support/PduClient';
import { createTask, eventually, fileLogin, startFileServer, storedFiles } from './support/fileServer';

const SENDER = 1;
const RECEIVER = 2;
const SIZE = 1024 * 1024;

/** Answer `segments` pulls, leaving the upload unfinished. */
async function uploadSome(c: PduClient, taskId: string, file: Buffer, segments: number): Promise<void> {
  for (let i = 0; i < segments; i++) {
    const req = decodeBody(IM.File.IMFilePullDataReq, (await c.next(Cid.CID_FILE_PULL_DATA_REQ)).body);
    c.send(Cid.CID_FILE_PULL_DATA_RSP, encodeBody(IM.File.IMFilePullDataRsp, {
      resultCode: 0, taskId, userId: SENDER, offset: req.offset, fileData: file.subarray(req.offset, req.offset + req.dataSize),
    }));
  }
  await c.next(Cid.CID_FILE_PULL_DATA_REQ); // the next pull proves the segments were stored
}

test('an offline upload the client abandons frees its task and its disk space', { timeout: 30_000 }, async () => {
  const fs = await startFileServer();
  try {
    const file = randomBytes(SIZE);
    const { taskId } = await createTask(fs.link, { from: SENDER, to: RECEIVER, name: 'a.bin', size: SIZE, mode: 2 });
    const up = await fileLogin(fs.server.ports.client!, SENDER, taskId, 3);
    await uploadSome(up.client, taskId, file, 5);
    const partial = storedFiles(fs.storeDir);
    assert.equal(partial.length, 1, 'the partial upload is on disk while it runs');
    assert.equal(partial[0]!.size, 960 + 5 * 32768);

    up.client.close();
    await eventually(() => fs.server.ctx.tasks.size === 0, 'the task is deleted');
    await eventually(() => storedFiles(fs.storeDir).length === 0, 'the partial file is deleted');

    // The receiver can never log in to a broken upload.
    const down = await fileLogin(fs.server.ports.client!, RECEIVER, taskId, 4);
    assert.equal(down.result, 1);
    await down.client.waitClosed();
  } finally {
    await fs.stop();
  }
});

test('an uploader that cancels (CID_FILE_STATE) or sends a wrong-size segment leaves nothing behind', { timeout: 30_000 }, async () => {
  const fs = await startFileServer();
  try {
    const file = randomBytes(SIZE);
    // Cancel.
    const a = await createTask(fs.link, { from: SENDER, to: RECEIVER, name: 'a.bin', size: SIZE, mode: 2 });
    const upA = await fileLogin(fs.server.ports.client!, SENDER, a.taskId, 3);
    await uploadSome(upA.client, a.taskId, file, 2);
    upA.client.send(Cid.CID_FILE_STATE, encodeBody(IM.File.IMFileState, { state: 1, taskId: a.taskId, userId: SENDER }));
    await upA.client.waitClosed();

    // A short segment (original bug: the server wrote 32 KiB anyway, leaking memory into the file).
    const b = await createTask(fs.link, { from: SENDER, to: RECEIVER, name: 'b.bin', size: SIZE, mode: 2 });
    const upB = await fileLogin(fs.server.ports.client!, SENDER, b.taskId, 3);
    await uploadSome(upB.client, b.taskId, file, 1);
    upB.client.send(Cid.CID_FILE_PULL_DATA_RSP, encodeBody(IM.File.IMFilePullDataRsp, {
      resultCode: 0, taskId: b.taskId, userId: SENDER, offset: 32768, fileData: file.subarray(0, 100),
    }));
    const cancel = decodeBody(IM.File.IMFileState, (await upB.client.next(Cid.CID_FILE_STATE)).body);
    assert.equal(cancel.state, 1, 'the uploader is told the upload is cancelled');
    await upB.client.waitClosed();

    await eventually(() => fs.server.ctx.tasks.size === 0, 'both tasks are deleted');
    await eventually(() => storedFiles(fs.storeDir).length === 0, 'both partial files are deleted');
  } finally {
    await fs.stop();
  }
});

test('an online transfer whose receiver drops closes the sender and frees the task', { timeout: 30_000 }, async () => {
  const fs = await startFileServer();
  try {
    const { taskId } = await createTask(fs.link, { from: SENDER, to: RECEIVER, name: 'o.bin', size: SIZE, mode: 1 });
    const sender = await fileLogin(fs.server.ports.client!, SENDER, taskId, 1);
    const receiver = await fileLogin(fs.server.ports.client!, RECEIVER, taskId, 2);
    await receiver.client.next(Cid.CID_FILE_STATE);
    receiver.client.send(Cid.CID_FILE_PULL_DATA_REQ, encodeBody(IM.File.IMFilePullDataReq, { taskId, userId: RECEIVER, transMode: 1, offset: 0, dataSize: 1000 }));
    await sender.client.next(Cid.CID_FILE_PULL_DATA_REQ);
    assert.equal(fs.server.ctx.tasks.size, 1);

    receiver.client.close();
    await sender.client.waitClosed(5000);
    await eventually(() => fs.server.ctx.tasks.size === 0, 'the task is deleted');
  } finally {
    await fs.stop();
  }
});

test('a task nobody logs into expires after TaskTimeout', { timeout: 10_000 }, async () => {
  const fs = await startFileServer({ TaskTimeout: 60 });
  try {
    await createTask(fs.link, { from: SENDER, to: RECEIVER, name: 'x', size: 10, mode: 1 });
    await createTask(fs.link, { from: SENDER, to: RECEIVER, name: 'y', size: 10, mode: 2 });
    assert.equal(fs.server.ctx.tasks.size, 2);
    const t0 = Math.max(...fs.server.ctx.tasks.all().map((t) => t.lastActive));
    fs.server.ctx.tasks.sweep(t0 + 59_000);
    assert.equal(fs.server.ctx.tasks.size, 2, 'not before the timeout');
    fs.server.ctx.tasks.sweep(t0 + 61_000);
    assert.equal(fs.server.ctx.tasks.size, 0);
  } finally {
    await fs.stop();
  }
});
