import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { encodeBody } from '../../src/pdu/codec';
import { RELAY_HIGH_WATER } from '../../src/servers/file/FileClientConn';
import { createTask, fileLogin, startFileServer } from './support/fileServer';

test('online relay: a receiver that stops reading pauses the sender instead of growing the server queue', { timeout: 60_000 }, async () => {
  const fs = await startFileServer();
  try {
    const { taskId } = await createTask(fs.link, { from: 1, to: 2, name: 'flood.bin', size: 100 * 1024 * 1024, mode: 1 });
    const sender = await fileLogin(fs.server.ports.client!, 1, taskId, 1);
    const receiver = await fileLogin(fs.server.ports.client!, 2, taskId, 2);
    await receiver.client.next(Cid.CID_FILE_STATE);
    receiver.client.send(Cid.CID_FILE_PULL_DATA_REQ, encodeBody(IM.File.IMFilePullDataReq, { taskId, userId: 2, transMode: 1, offset: 0, dataSize: 32768 }));
    await sender.client.next(Cid.CID_FILE_PULL_DATA_REQ);

    const receiverConn = fs.server.ctx.tasks.get(taskId)!.receiver!;
    receiver.client.pause();
    // A sender that ignores the pull discipline and pushes 24 MiB at once: more than the 8 MiB
    // slow-consumer cap, which would close the receiver if nothing held the sender back.
    const block = randomBytes(32768);
    const FRAMES = 768;
    let maxQueued = 0;
    for (let i = 0; i < FRAMES; i++) {
      sender.client.send(Cid.CID_FILE_PULL_DATA_RSP, encodeBody(IM.File.IMFilePullDataRsp, { resultCode: 0, taskId, userId: 1, offset: i * 32768, fileData: block }));
      if (i % 32 === 0) {
        await new Promise((r) => setTimeout(r, 5));
        maxQueued = Math.max(maxQueued, fs.server.ctx.tasks.get(taskId)?.receiver?.transport.queued(receiverConn.id) ?? 0);
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    maxQueued = Math.max(maxQueued, receiverConn.transport.queued(receiverConn.id));
    assert.equal(receiverConn.closed, false, 'the receiver was not cut as a slow consumer');
    assert.ok(maxQueued < RELAY_HIGH_WATER + 2 * 33000, `server queue stayed near the high-water mark (max ${maxQueued})`);

    receiver.client.resume();
    for (let i = 0; i < FRAMES; i++) await receiver.client.next(Cid.CID_FILE_PULL_DATA_RSP, 10_000);
    sender.client.close();
    receiver.client.close();
  } finally {
    await fs.stop();
  }
});
