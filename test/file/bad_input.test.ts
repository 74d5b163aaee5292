import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { encodeBody } from '../../src/pdu/codec';
import { PduClient } from './support/PduClient';
import { createTask, fileLogin, startFileServer } from './support/fileServer';

function header(length: number, cid: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0); b.writeUInt16BE(1, 4); b.writeUInt16BE(cid >> 8, 8); b.writeUInt16BE(cid, 10);
  return b;
}

test('garbage, oversize and malformed frames close only the offending connection', { timeout: 30_000 }, async () => {
  const fs = await startFileServer();
  try {
    const port = fs.server.ports.client!;
    const { taskId } = await createTask(fs.link, { from: 1, to: 2, name: 'f', size: 100, mode: 1 });
    const bystander = await fileLogin(port, 1, taskId, 1);
    assert.equal(bystander.result, 0);

    const cases: Array<[string, Buffer]> = [
      ['length below 16', header(5, Cid.CID_FILE_LOGIN_REQ)],
      ['length 0', header(0, Cid.CID_FILE_LOGIN_REQ)],
      ['length over the 4 MiB client maximum', header(5 * 1024 * 1024, Cid.CID_FILE_PULL_DATA_RSP)],
      ['body that is not protobuf', Buffer.concat([header(16 + 4, Cid.CID_FILE_LOGIN_REQ), Buffer.from([0xff, 0xff, 0xff, 0xff])])],
      ['login missing required fields', Buffer.concat([header(16 + 2, Cid.CID_FILE_LOGIN_REQ), Buffer.from([0x08, 0x01])])],
    ];
    for (const [what, bytes] of cases) {
      const c = await PduClient.connect(port);
      c.writeRaw(bytes);
      await c.waitClosed(3000).catch(() => { throw new Error(`${what}: connection not closed`); });
    }
    // Garbage on the msg_server port: that link goes, a new one works.
    const badLink = await PduClient.connect(fs.server.ports.msg!);
    badLink.writeRaw(header(3, Cid.CID_OTHER_FILE_TRANSFER_REQ));
    await badLink.waitClosed(3000);

    // The bystander's connection and the good link are untouched.
    bystander.client.send(Cid.CID_OTHER_HEARTBEAT, new Uint8Array(0), { seq: 9 });
    assert.equal((await bystander.client.next(Cid.CID_OTHER_HEARTBEAT)).header.seq, 9);
    const again = await createTask(fs.link, { from: 1, to: 2, name: 'g', size: 1, mode: 1 });
    assert.equal(again.rsp.resultCode, 0);
    bystander.client.close();
  } finally {
    await fs.stop();
  }
});

test('data commands before a login are ignored; a second login on one connection is refused', { timeout: 30_000 }, async () => {
  const fs = await startFileServer();
  try {
    const port = fs.server.ports.client!;
    const { taskId } = await createTask(fs.link, { from: 1, to: 2, name: 'f', size: 100, mode: 1 });
    const c = await PduClient.connect(port);
    c.send(Cid.CID_FILE_PULL_DATA_REQ, encodeBody(IM.File.IMFilePullDataReq, { taskId, userId: 2, transMode: 1, offset: 0, dataSize: 10 }));
    c.send(Cid.CID_OTHER_HEARTBEAT, new Uint8Array(0), { seq: 3 });
    assert.equal((await c.next()).header.commandId, Cid.CID_OTHER_HEARTBEAT, 'nothing but the heartbeat echo comes back');
    c.close();

    const first = await fileLogin(port, 1, taskId, 1);
    assert.equal(first.result, 0);
    const other = await createTask(fs.link, { from: 1, to: 2, name: 'g', size: 100, mode: 1 });
    first.client.send(Cid.CID_FILE_LOGIN_REQ, encodeBody(IM.File.IMFileLoginReq, { userId: 1, taskId: other.taskId, fileRole: 1 }), { seq: 8 });
    const p = await first.client.next(Cid.CID_FILE_LOGIN_RES);
    assert.equal(IM.File.IMFileLoginRsp.decode(p.body).resultCode, 1);
    await first.client.waitClosed();
  } finally {
    await fs.stop();
  }
});
