// The offline-file commands of servers.md §4.9 / §4.13 on the real system with a file_server link
// (db_proxy, route, login, msg and file on MariaDB/Redis): add-offline stores the record under the
// session user and notifies the receiver's PC terminals with the file_server's addresses;
// has-offline lists it with those addresses and no context; del-offline removes only the session
// user's own records (the original let anyone delete anyone's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import type { TtClient } from '../../src/client/TtClient';
import { TestSystem, useFreshSystem, sleep } from '../e2e/TestSystem';
import { ALICE, ANDROID, BOB, CAROL, WINDOWS, eventually, nothingArrives } from './support/commands';

const OFFLINE = IM.BaseDefine.TransferFileType.FILE_TYPE_OFFLINE;

let sys: TestSystem;

useFreshSystem((s) => { sys = s; }, { file: true });

async function hasOffline(c: TtClient, claimedUser = c.userId): Promise<{ msg: IM.File.IMFileHasOfflineRsp; seq: number; sent: number }> {
  const sent = c.send(Cid.CID_FILE_HAS_OFFLINE_REQ, IM.File.IMFileHasOfflineReq, { userId: claimedUser });
  const { msg, pdu } = await c.waitMsg(Cid.CID_FILE_HAS_OFFLINE_RES, IM.File.IMFileHasOfflineRsp, (_m, p) => p.header.seq === sent);
  return { msg, seq: pdu.header.seq, sent };
}

test('has-offline with nothing pending: an empty list for the session user, with the file_server addresses and the seq', async () => {
  const bob = await sys.loggedIn('bob');
  const { msg, seq, sent } = await hasOffline(bob, CAROL);
  assert.equal(seq, sent);
  assert.equal(msg.userId, BOB, 'the session user, not the one named in the request');
  assert.deepEqual(msg.offlineFileList, []);
  assert.ok(msg.ipAddrList.length > 0, 'msg_server adds its file_server addresses');
  assert.ok(msg.ipAddrList.every((a) => a.ip.length > 0 && a.port > 0));
  assert.equal(Object.prototype.hasOwnProperty.call(msg, 'attachData'), false, 'the context is not leaked (original bug)');
  await bob.close();
});

test('add-offline: stored under the session user; the receiver\'s PC gets FILE_NOTIFY offline_ready 1, the phone does not', async () => {
  const bobPc = await sys.loggedIn('bob', 0, WINDOWS);
  const bobPhone = await sys.loggedIn('bob', 0, ANDROID);
  const alice = await sys.loggedIn('alice');
  // from_user_id names carol: the uploader is the session user.
  alice.send(Cid.CID_FILE_ADD_OFFLINE_REQ, IM.File.IMFileAddOfflineReq, {
    fromUserId: CAROL, toUserId: BOB, taskId: 'task-offline-1', fileName: 'report.pdf', fileSize: 12345,
  });
  const n = await bobPc.waitMsg(Cid.CID_FILE_NOTIFY, IM.File.IMFileNotify);
  assert.deepEqual(
    [n.msg.fromUserId, n.msg.toUserId, n.msg.fileName, n.msg.fileSize, n.msg.taskId, n.msg.transMode, n.msg.offlineReady, n.pdu.header.seq],
    [ALICE, BOB, 'report.pdf', 12345, 'task-offline-1', OFFLINE, 1, 0],
  );
  assert.ok(n.msg.ipAddrList.length > 0, 'where to download it');
  assert.ok(await nothingArrives(bobPhone, Cid.CID_FILE_NOTIFY, 300), 'locally only PC terminals are told (servers.md §4.13)');
  assert.equal(alice.inbox.some((p) => p.header.commandId === Cid.CID_FILE_NOTIFY), false);

  await eventually(async () => (await hasOffline(bobPc)).msg.offlineFileList.length === 1, 3000, 'the record');
  const { msg } = await hasOffline(bobPc);
  assert.deepEqual(msg.offlineFileList.map((f) => [f.fromUserId, f.taskId, f.fileName, f.fileSize]), [[ALICE, 'task-offline-1', 'report.pdf', 12345]]);
  await Promise.all([bobPc.close(), bobPhone.close(), alice.close()]);
});

test('del-offline: another user cannot delete the receiver\'s record; the receiver can, whatever to_user_id says', async () => {
  const bob = await sys.loggedIn('bob');
  const carol = await sys.loggedIn('carol');
  assert.equal((await hasOffline(bob)).msg.offlineFileList.length, 1, 'the record of the previous test');
  // carol claims to be the receiver: the server makes her the receiver, so bob's record stays.
  carol.send(Cid.CID_FILE_DEL_OFFLINE_REQ, IM.File.IMFileDelOfflineReq, { fromUserId: ALICE, toUserId: BOB, taskId: 'task-offline-1' });
  await sleep(500);
  assert.equal((await hasOffline(bob)).msg.offlineFileList.length, 1, 'still there (the original deleted it: protocol.md §9 item 20)');
  bob.send(Cid.CID_FILE_DEL_OFFLINE_REQ, IM.File.IMFileDelOfflineReq, { fromUserId: ALICE, toUserId: CAROL, taskId: 'task-offline-1' });
  await eventually(async () => (await hasOffline(bob)).msg.offlineFileList.length === 0, 3000, 'the record to go');
  await Promise.all([bob.close(), carol.close()]);
});
