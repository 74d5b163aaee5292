import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { startDbProxy, Harness } from './support/harness';
import { sendMsg } from './support/requests';
import { redis } from './support/db';

let h: Harness;
before(async () => { h = await startDbProxy(); });
after(async () => { await h.close(); });

const register = (user: number, token: string, clientType?: number) =>
  h.link.call(Cid.CID_LOGIN_REQ_DEVICETOKEN, IM.Login.IMDeviceTokenReq, { userId: user, deviceToken: token, ...(clientType ? { clientType } : {}) },
    Cid.CID_LOGIN_RES_DEVICETOKEN, IM.Login.IMDeviceTokenRsp);

test('device tokens: stored with their platform; badge = unread total; string order of keys', async () => {
  assert.equal((await register(2, 'tok-bob', 0x12)).userId, 2);
  await register(10, 'tok-ten', 0x12);
  await register(3, 'tok-pc'); // no client type: Windows, bare token, never pushed
  assert.equal(await redis('token', (r) => r.get('device_2')), 'android:tok-bob');
  assert.equal(await redis('token', (r) => r.get('device_tok-bob')), '2');
  await sendMsg(h.link, 1, 2, 'YQ==');
  await sendMsg(h.link, 1, 2, 'Yg==');
  const rsp = await h.link.call(Cid.CID_OTHER_GET_DEVICE_TOKEN_REQ, IM.Server.IMGetDeviceTokenReq, { userId: [2, 3, 10, 4] },
    Cid.CID_OTHER_GET_DEVICE_TOKEN_RSP, IM.Server.IMGetDeviceTokenRsp);
  assert.deepEqual(rsp.userTokenInfo.map((t) => [t.userId, t.userType, t.token, t.pushCount, t.pushType]), [[10, 0x12, 'tok-ten', 0, 1], [2, 0x12, 'tok-bob', 2, 1]]);
});

test('an all-digit token never overwrites a user key; logout clears the token', async () => {
  await register(1, 'alice-token', 0x12);
  await register(3, '1', 0x12);
  assert.equal(await redis('token', (r) => r.get('device_1')), 'android:alice-token', 'token "1" would have overwritten device_1');
  await register(1, '', 0x12);
  assert.equal(await redis('token', (r) => r.get('device_1')), 'android:');
  assert.equal(await redis('token', (r) => r.get('device_alice-token')), '', 'the previous token is released');
});

test('offline files: add, list oldest first, delete (task id is data, not SQL)', async () => {
  const add = (task: string, name: string) => h.link.send(Cid.CID_FILE_ADD_OFFLINE_REQ, IM.File.IMFileAddOfflineReq, { fromUserId: 1, toUserId: 2, taskId: task, fileName: name, fileSize: 42 });
  add('task-a', 'a.txt');
  add("task-b' OR '1'='1", 'b.txt');
  const list = () => h.link.call(Cid.CID_FILE_HAS_OFFLINE_REQ, IM.File.IMFileHasOfflineReq, { userId: 2 }, Cid.CID_FILE_HAS_OFFLINE_RES, IM.File.IMFileHasOfflineRsp);
  let files: IM.BaseDefine.IOfflineFileInfo[] = [];
  for (let i = 0; i < 20 && files.length < 2; i++) files = (await list()).offlineFileList; // the adds have no reply
  assert.deepEqual(files.map((f) => [f.fromUserId, f.taskId, f.fileName, f.fileSize]), [[1, 'task-a', 'a.txt', 42], [1, "task-b' OR '1'='1", 'b.txt', 42]]);
  h.link.send(Cid.CID_FILE_DEL_OFFLINE_REQ, IM.File.IMFileDelOfflineReq, { fromUserId: 1, toUserId: 2, taskId: "task-b' OR '1'='1" });
  for (let i = 0; i < 20 && files.length !== 1; i++) files = (await list()).offlineFileList;
  assert.deepEqual(files.map((f) => f.taskId), ['task-a']);
});
