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
before(async () => { rig = await startRig({ AppKey: APP_KEY, AppSecret: APP_SECRET, DbReplyTimeoutMs: 300 }); });
after(async () => { await rig.stop(); });

const changeReq = { app_key: APP_KEY, req_user_id: 0, group_id: 999, modify_type: 1, user_id_list: [1] };

test('db_proxy silence (unknown group) is answered with code 10 before the idle timeout', async () => {
  scriptDbProxy(rig.db, { silent: true });
  const t0 = Date.now();
  const res = await rawHttp(rig.port, signedPost(APP_SECRET, '/query/ChangeMembers', changeReq));
  const took = Date.now() - t0;
  assert.deepEqual(res.json, { error_code: 10, error_msg: '服务器异常' });
  assert.ok(took >= 250 && took < 2000, `answered after ${took} ms`);
});

test('a late reply for a request that timed out is dropped; the link and the server keep working', async () => {
  const late = await rig.db.next(Cid.CID_GROUP_CHANGE_MEMBER_REQUEST);
  const req = late.pdu.message as IM.Group.IMGroupChangeMemberReq;
  rig.db.send(late.socket, encodeFrame(Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, encodeBody(IM.Group.IMGroupChangeMemberRsp, {
    userId: 0, changeType: 1, resultCode: 0, groupId: 999, curUserIdList: [1], chgUserIdList: [1], attachData: req.attachData,
  })));
  // A reply with a broken attach_data is dropped too, not a reason to drop the link.
  rig.db.send(late.socket, encodeFrame(Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, encodeBody(IM.Group.IMGroupChangeMemberRsp, {
    userId: 0, changeType: 1, resultCode: 0, groupId: 999, curUserIdList: [], chgUserIdList: [], attachData: Buffer.from([1, 2, 3]),
  })));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(rig.route.count(Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY), 0, 'no notify for a request nobody waits for');
  assert.ok(rig.server.db.hasOpen());
  scriptDbProxy(rig.db, { current: [1, 2] });
  const res = await rawHttp(rig.port, signedPost(APP_SECRET, '/query/ChangeMembers', { ...changeReq, group_id: 5 }));
  assert.deepEqual(res.json, { error_code: 0, error_msg: '成功' });
});

test('CID_OTHER_STOP_RECV_PACKET takes the link out of use: queries answer code 10', async () => {
  const sock = [...rig.db.sockets][0]!;
  sock.write(encodeFrame(Cid.CID_OTHER_STOP_RECV_PACKET, encodeBody(IM.Server.IMStopReceivePacket, { result: 0 })));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(rig.server.db.hasOpen(), false);
  const res = await rawHttp(rig.port, signedPost(APP_SECRET, '/query/ChangeMembers', { ...changeReq, group_id: 6 }));
  assert.deepEqual(res.json, { error_code: 10, error_msg: '服务器异常' });
});
