import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, APP_KEY, APP_SECRET, type Rig } from './support/harness';
import { rawHttp, signedPost } from './support/httpClient';
import { scriptDbProxy } from './support/scriptedDbProxy';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { encodeBody } from '../../src/pdu/codec';
import { encodeFrame } from '../../src/pdu/Pdu';

let rig: Rig;
before(async () => { rig = await startRig({ AppKey: APP_KEY, AppSecret: APP_SECRET }); });
after(async () => { await rig.stop(); });

const change = (json: Record<string, unknown>): Buffer =>
  signedPost(APP_SECRET, '/query/ChangeMembers', { app_key: APP_KEY, req_user_id: 0, ...json });

test('the route link was told it is the master when it came up', async () => {
  const roleSet = await rig.route.next(Cid.CID_OTHER_ROLE_SET);
  assert.deepEqual(roleSet.frame.subarray(16), Buffer.from([0x08, 0x01]));
});

test('a successful change answers code 0 and announces the change to route_server', async () => {
  scriptDbProxy(rig.db, { current: [1, 2, 3, 4] });
  const res = await rawHttp(rig.port, change({ group_id: 7, modify_type: 1, user_id_list: [4] }));
  assert.equal(res.status, 200);
  assert.equal(res.body, '{\n   "error_code" : 0,\n   "error_msg" : "成功"\n}\n');

  const req = await rig.db.next(Cid.CID_GROUP_CHANGE_MEMBER_REQUEST);
  const sent = req.pdu.message as IM.Group.IMGroupChangeMemberReq;
  assert.equal(sent.userId, 0, 'user 0 acts for the admin');
  assert.equal(sent.changeType, 1);
  assert.equal(sent.groupId, 7);
  assert.deepEqual(sent.memberIdList, [4]);
  assert.equal(Buffer.from(sent.attachData).readUInt32BE(0), 3, 'attach type 3 = handle');
  assert.equal(req.pdu.header.seq, 0);

  const notify = await rig.route.next(Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY);
  const n = notify.pdu.message as IM.Group.IMGroupChangeMemberNotify;
  assert.equal(n.groupId, 7);
  assert.equal(n.changeType, 1);
  assert.deepEqual(n.chgUserIdList, [4]);
  assert.deepEqual(n.curUserIdList, [1, 2, 3, 4]);
});

test('a change db_proxy refuses answers code 12 and announces nothing', async () => {
  scriptDbProxy(rig.db, { changeResult: 1 });
  const before = rig.route.count(Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY);
  const res = await rawHttp(rig.port, change({ group_id: 8, modify_type: 2, user_id_list: [2] }));
  assert.deepEqual(res.json, { error_code: 12, error_msg: '更改群成员失败' });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(rig.route.count(Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY), before);
});

test('route_server broadcasts are ignored without harming the link', async () => {
  const sock = [...rig.route.sockets][0]!;
  // A buddy status notify, as route_server sends to every msg_server (and so to us).
  sock.write(encodeFrame(Cid.CID_BUDDY_LIST_STATUS_NOTIFY, encodeBody(IM.Buddy.IMUserStatNotify, { userStat: { userId: 1, status: 1 } })));
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(rig.server.route.master?.open, 'route link still up');
  scriptDbProxy(rig.db, { groupId: 9 });
  const res = await rawHttp(rig.port, signedPost(APP_SECRET, '/query/CreateGroup', { app_key: APP_KEY, req_user_id: 0, group_name: 'g', group_type: 1, group_avatar: '', user_id_list: [] }));
  assert.deepEqual(res.json, { error_code: 0, error_msg: '成功', group_id: 9 });
});
