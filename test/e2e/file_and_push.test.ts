// The two optional links of msg_server: a file transfer offer goes through the real file_server
// (task created, receiver notified), and a message to an offline phone user becomes a push request
// to push_server with the original's alert text and data JSON (push_server stood in for by a
// recording socket, so no push provider is contacted).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { resetDatabase, flushRedis } from '../helpers';
import { Cid } from '../../src/pdu/commands';
import { decodeBody } from '../../src/pdu/codec';
import { IM } from '../../src/pdu/gen/im';
import { TestSystem, sleep } from './TestSystem';

/** Records every PDU body msg_server sends to "push_server". */
class RecordingPushServer {
  readonly received: Array<{ cid: number; body: Buffer }> = [];
  private readonly sockets: net.Socket[] = [];
  private readonly server = net.createServer((s) => {
    this.sockets.push(s);
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 16 && buf.length >= buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        const cid = buf.readUInt16BE(10);
        if (cid === Cid.CID_OTHER_HEARTBEAT) s.write(buf.subarray(0, len)); // push_server echoes
        else this.received.push({ cid, body: Buffer.from(buf.subarray(16, len)) });
        buf = buf.subarray(len);
      }
    });
    s.on('error', () => undefined);
  });
  port = 0;

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

let sys: TestSystem;
const push = new RecordingPushServer();

before(async () => {
  await resetDatabase();
  await flushRedis();
  await push.listen();
  sys = await TestSystem.start({ file: true, pushPort: push.port });
});

after(async () => {
  await sys?.stop();
  await push.close();
});

test('an offline file offer: file_server creates the task, the sender gets its addresses, the receiver the notify', async () => {
  const alice = await sys.loggedIn('alice');
  const bob = await sys.loggedIn('bob');
  const { msg: rsp, pdu } = await alice.request(Cid.CID_FILE_REQUEST, IM.File.IMFileReq, {
    fromUserId: 99, toUserId: 2, fileName: 'notes.txt', fileSize: 1234, transMode: IM.BaseDefine.TransferFileType.FILE_TYPE_OFFLINE,
  }, Cid.CID_FILE_RESPONSE, IM.File.IMFileRsp);
  assert.ok(pdu.header.seq > 0);
  assert.equal(rsp.resultCode, 0);
  assert.equal(rsp.fromUserId, 1, 'the sender is the session user, whatever the client wrote');
  assert.equal(rsp.toUserId, 2);
  assert.ok(rsp.taskId.length > 0);
  assert.deepEqual(rsp.ipAddrList.map((a) => a.port), [sys.fileClientPort]);
  const { msg: notify } = await bob.waitMsg(Cid.CID_FILE_NOTIFY, IM.File.IMFileNotify);
  assert.equal(notify.taskId, rsp.taskId);
  assert.equal(notify.fromUserId, 1);
  assert.equal(notify.fileName, 'notes.txt');
  assert.equal(notify.offlineReady, 0);
  await alice.close();
  await bob.close();
});

test('a message to a user whose phone is offline becomes a normal push with the original alert text', async () => {
  const phone = await sys.loggedIn('bob', 0, IM.BaseDefine.ClientType.CLIENT_TYPE_ANDROID);
  await phone.request(Cid.CID_LOGIN_REQ_DEVICETOKEN, IM.Login.IMDeviceTokenReq, {
    userId: 2, deviceToken: 'bob-device-token', clientType: IM.BaseDefine.ClientType.CLIENT_TYPE_ANDROID,
  }, Cid.CID_LOGIN_RES_DEVICETOKEN, IM.Login.IMDeviceTokenRsp);
  await sleep(100);
  await phone.close(); // gone without logging out: the token stays
  const alice = await sys.loggedIn('alice');
  await alice.sendText(2, 'are you there?');
  const t0 = Date.now();
  while (!push.received.some((r) => r.cid === Cid.CID_OTHER_PUSH_TO_USER_REQ) && Date.now() - t0 < 3000) await sleep(20);
  const rec = push.received.find((r) => r.cid === Cid.CID_OTHER_PUSH_TO_USER_REQ);
  assert.ok(rec, 'a push request reached push_server');
  const req = decodeBody(IM.Server.IMPushToUserReq, rec.body);
  assert.equal(req.flash, 'Alice:are you there?');
  assert.equal(req.data, '{\n\t"from_id": 1,\n\t"msg_type": 1 \n} \n');
  assert.equal(req.userTokenList.length, 1);
  assert.equal(req.userTokenList[0]!.userId, 2);
  assert.equal(req.userTokenList[0]!.token, 'bob-device-token');
  assert.equal(req.userTokenList[0]!.pushType, 1, 'normal push: bob has no PC client online');
  await alice.close();
});
