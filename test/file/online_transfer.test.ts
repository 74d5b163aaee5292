import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { createTask, eventually, fileLogin, startFileServer } from './support/fileServer';

const SENDER = 1;
const RECEIVER = 2;
const SIZE = 50 * 1024 * 1024;
const BLOCK = 34816; // what the Windows client asks for (edge.md §1.8)

test('online transfer relays a 50 MiB file byte-identically between two live clients', { timeout: 120_000 }, async () => {
  const fs = await startFileServer();
  try {
    // msg_server learns the client address first (edge.md §1.4).
    fs.link.send(Cid.CID_OTHER_FILE_SERVER_IP_REQ, new Uint8Array(0), { seq: 11 });
    const ipRsp = await fs.link.next(Cid.CID_OTHER_FILE_SERVER_IP_RSP);
    assert.equal(ipRsp.header.seq, 11);
    const addrs = decodeBody(IM.Server.IMFileServerIPRsp, ipRsp.body).ipAddrList;
    assert.deepEqual(addrs.map((a) => [a.ip, a.port]), [['127.0.0.1', fs.server.ports.client]]);

    const { taskId, rsp } = await createTask(fs.link, { from: SENDER, to: RECEIVER, name: 'big.bin', size: SIZE, mode: 1 }, 21);
    assert.equal(rsp.resultCode, 0);
    assert.match(taskId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(rsp.fileName, 'big.bin');
    assert.equal(rsp.fileSize, SIZE);

    const file = randomBytes(SIZE);
    const want = createHash('sha256').update(file).digest('hex');

    const sender = await fileLogin(fs.server.ports.client!, SENDER, taskId, 1, 31);
    assert.equal(sender.result, 0);
    assert.equal(sender.seq, 31);
    const receiver = await fileLogin(fs.server.ports.client!, RECEIVER, taskId, 2, 41);
    assert.equal(receiver.result, 0);

    // Only the receiver is told to start, with the sender's id.
    const ready = decodeBody(IM.File.IMFileState, (await receiver.client.next(Cid.CID_FILE_STATE)).body);
    assert.equal(ready.state, 0);
    assert.equal(ready.userId, SENDER);
    assert.equal(ready.taskId, taskId);
    assert.equal(sender.client.pending, 0);

    const hash = createHash('sha256');
    let offset = 0;
    let seq = 100;
    while (offset < SIZE) {
      const want = Math.min(BLOCK, SIZE - offset);
      seq = (seq + 1) & 0xffff;
      receiver.client.send(Cid.CID_FILE_PULL_DATA_REQ, encodeBody(IM.File.IMFilePullDataReq, {
        taskId, userId: RECEIVER, transMode: 1, offset, dataSize: want,
      }), { seq });
      // The pull reaches the sender unchanged...
      const pull = await sender.client.next(Cid.CID_FILE_PULL_DATA_REQ);
      assert.equal(pull.header.seq, seq);
      const pr = decodeBody(IM.File.IMFilePullDataReq, pull.body);
      sender.client.send(Cid.CID_FILE_PULL_DATA_RSP, encodeBody(IM.File.IMFilePullDataRsp, {
        resultCode: 0, taskId, userId: SENDER, offset: pr.offset, fileData: file.subarray(pr.offset, pr.offset + pr.dataSize),
      }), { seq: 999 });
      // ...and the data comes back stamped with the pull's seq.
      const data = await receiver.client.next(Cid.CID_FILE_PULL_DATA_RSP);
      assert.equal(data.header.seq, seq);
      const d = decodeBody(IM.File.IMFilePullDataRsp, data.body);
      assert.equal(d.offset, offset);
      hash.update(d.fileData);
      offset += d.fileData.length;
    }
    assert.equal(hash.digest('hex'), want);

    receiver.client.send(Cid.CID_FILE_STATE, encodeBody(IM.File.IMFileState, { state: 3, taskId, userId: RECEIVER }));
    const done = decodeBody(IM.File.IMFileState, (await sender.client.next(Cid.CID_FILE_STATE)).body);
    assert.equal(done.state, 3);
    await receiver.client.waitClosed();
    await sender.client.waitClosed(5000);
    await eventually(() => fs.server.ctx.tasks.size === 0, 'the finished task is deleted');
  } finally {
    await fs.stop();
  }
});
