// Buddy-list, group and P2P commands of servers.md §4.9 on the real system (db_proxy, route, login
// and msg on MariaDB/Redis): removing a recent session (and the notify to the user's other
// terminals), changing the signature (and the notify to everyone), shielding a group, and P2P
// commands relayed with the sender id the server decides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { TestSystem, useFreshSystem } from '../e2e/TestSystem';
import { ALICE, ANDROID, BOB, CAROL, WINDOWS, nothingArrives, redisRun } from './support/commands';

const SINGLE = IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE;
const GROUP = IM.BaseDefine.SessionType.SESSION_TYPE_GROUP;

let sys: TestSystem;

useFreshSystem((s) => { sys = s; });

async function recentSessionIds(c: Awaited<ReturnType<TestSystem['loggedIn']>>): Promise<number[]> {
  const { msg } = await c.request(Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST, IM.Buddy.IMRecentContactSessionReq,
    { userId: c.userId, latestUpdateTime: 0 }, Cid.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE, IM.Buddy.IMRecentContactSessionRsp);
  return msg.contactSessionList.filter((s) => s.sessionType === SINGLE).map((s) => s.sessionId);
}

test('remove session: db_proxy\'s result goes to the requester; the user\'s other terminal is told, nobody else', async () => {
  const pc = await sys.loggedIn('alice', 0, WINDOWS);
  const phone = await sys.loggedIn('alice', 0, ANDROID);
  const bob = await sys.loggedIn('bob');
  await pc.sendText(BOB, 'a session to remove');
  assert.ok((await recentSessionIds(pc)).includes(BOB));
  // user_id names carol: overwritten with the session user, or carol's session would be the one removed.
  const { pdu, msg } = await pc.request(Cid.CID_BUDDY_LIST_REMOVE_SESSION_REQ, IM.Buddy.IMRemoveSessionReq,
    { userId: CAROL, sessionType: SINGLE, sessionId: BOB }, Cid.CID_BUDDY_LIST_REMOVE_SESSION_RES, IM.Buddy.IMRemoveSessionRsp);
  assert.deepEqual([msg.userId, msg.resultCode, msg.sessionType, msg.sessionId], [ALICE, 0, SINGLE, BOB]);
  assert.ok(pdu.header.seq > 0);
  assert.equal(Object.prototype.hasOwnProperty.call(msg, 'attachData'), false);
  const n = await phone.waitMsg(Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY, IM.Buddy.IMRemoveSessionNotify);
  assert.deepEqual([n.msg.userId, n.msg.sessionType, n.msg.sessionId, n.pdu.header.seq], [ALICE, SINGLE, BOB, 0]);
  assert.ok(await nothingArrives(phone, Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY, 300), 'once');
  assert.equal(pc.inbox.some((p) => p.header.commandId === Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY), false, 'not to the requester');
  assert.equal(bob.inbox.some((p) => p.header.commandId === Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY), false, 'not to the peer');
  assert.equal((await recentSessionIds(pc)).includes(BOB), false, 'gone from the recent list');
  assert.ok((await recentSessionIds(bob)).includes(ALICE), 'bob\'s side of the session stays');

  // A session that does not exist: result 1, and nobody is told.
  const again = await pc.request(Cid.CID_BUDDY_LIST_REMOVE_SESSION_REQ, IM.Buddy.IMRemoveSessionReq,
    { userId: ALICE, sessionType: SINGLE, sessionId: BOB }, Cid.CID_BUDDY_LIST_REMOVE_SESSION_RES, IM.Buddy.IMRemoveSessionRsp);
  assert.equal(again.msg.resultCode, 1);
  assert.ok(await nothingArrives(phone, Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY, 300));
  await Promise.all([pc.close(), phone.close(), bob.close()]);
});

test('sign info: the requester gets the result; every terminal of every user here gets the changed notify once', async () => {
  const bob = await sys.loggedIn('bob', 0, WINDOWS);
  const bobPhone = await sys.loggedIn('bob', 0, ANDROID);
  const alice = await sys.loggedIn('alice', 0, WINDOWS);
  const carolPhone = await sys.loggedIn('carol', 0, ANDROID);
  const sign = 'out of office until monday';
  const { msg } = await bob.request(Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST, IM.Buddy.IMChangeSignInfoReq,
    { userId: CAROL, signInfo: sign }, Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE, IM.Buddy.IMChangeSignInfoRsp);
  assert.deepEqual([msg.userId, msg.resultCode, msg.signInfo], [BOB, 0, sign]);
  for (const c of [bob, bobPhone, alice, carolPhone]) {
    const n = await c.waitMsg(Cid.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY, IM.Buddy.IMSignInfoChangedNotify);
    assert.deepEqual([n.msg.changedUserId, n.msg.signInfo, n.pdu.header.seq], [BOB, sign, 0]);
  }
  for (const c of [bob, alice]) assert.ok(await nothingArrives(c, Cid.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY, 300), 'once');
  const info = await alice.request(Cid.CID_BUDDY_LIST_USER_INFO_REQUEST, IM.Buddy.IMUsersInfoReq, { userId: ALICE, userIdList: [BOB, CAROL] },
    Cid.CID_BUDDY_LIST_USER_INFO_RESPONSE, IM.Buddy.IMUsersInfoRsp);
  const byId = new Map(info.msg.userInfoList.map((u) => [u.userId, u.signInfo]));
  assert.equal(byId.get(BOB), sign, 'stored for bob');
  assert.equal(byId.get(CAROL), 'hi from carol', 'not for the spoofed user');

  // Over 128 bytes: refused by db_proxy (result 1), nobody is told.
  const long = await bob.request(Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST, IM.Buddy.IMChangeSignInfoReq,
    { userId: BOB, signInfo: 'x'.repeat(129) }, Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE, IM.Buddy.IMChangeSignInfoRsp);
  assert.equal(long.msg.resultCode, 1);
  assert.ok(await nothingArrives(alice, Cid.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY, 300));
  await Promise.all([bob.close(), bobPhone.close(), alice.close(), carolPhone.close()]);
});

test('group shield: a member sets it for the session user (stored in Redis); a non-member gets result 1', async () => {
  const alice = await sys.loggedIn('alice');
  const bob = await sys.loggedIn('bob');
  const carol = await sys.loggedIn('carol');
  const created = await alice.request(Cid.CID_GROUP_CREATE_REQUEST, IM.Group.IMGroupCreateReq, {
    userId: ALICE, groupType: IM.BaseDefine.GroupType.GROUP_TYPE_TMP, groupName: 'shield test', groupAvatar: '', memberIdList: [ALICE, BOB],
  }, Cid.CID_GROUP_CREATE_RESPONSE, IM.Group.IMGroupCreateRsp);
  assert.equal(created.msg.resultCode, 0);
  const g = created.msg.groupId!;
  // bob names carol (not a member): were it not overwritten, the answer would be carol's refusal.
  const { pdu, msg } = await bob.request(Cid.CID_GROUP_SHIELD_GROUP_REQUEST, IM.Group.IMGroupShieldReq,
    { userId: CAROL, groupId: g, shieldStatus: 1 }, Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, IM.Group.IMGroupShieldRsp);
  assert.deepEqual([msg.userId, msg.groupId, msg.resultCode], [BOB, g, 0]);
  assert.ok(pdu.header.seq > 0);
  assert.equal(Object.prototype.hasOwnProperty.call(msg, 'attachData'), false);
  assert.equal(await redisRun('group_set', (r) => r.hget(`group_set_${g}`, `${BOB}_1`)), '1');
  assert.equal(await redisRun('group_set', (r) => r.hget(`group_set_${g}`, `${CAROL}_1`)), null);

  const refused = await carol.request(Cid.CID_GROUP_SHIELD_GROUP_REQUEST, IM.Group.IMGroupShieldReq,
    { userId: BOB, groupId: g, shieldStatus: 0 }, Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, IM.Group.IMGroupShieldRsp);
  assert.deepEqual([refused.msg.userId, refused.msg.resultCode], [CAROL, 1]);
  assert.equal(await redisRun('group_set', (r) => r.hget(`group_set_${g}`, `${BOB}_1`)), '1', 'bob\'s shield untouched by carol');
  await Promise.all([alice.close(), bob.close(), carol.close()]);
});

test('removing a group session is not synchronised to the user\'s other terminals', async () => {
  const pc = await sys.loggedIn('alice', 0, WINDOWS);
  const phone = await sys.loggedIn('alice', 0, ANDROID);
  const created = await pc.request(Cid.CID_GROUP_CREATE_REQUEST, IM.Group.IMGroupCreateReq, {
    userId: ALICE, groupType: IM.BaseDefine.GroupType.GROUP_TYPE_TMP, groupName: 'remove me', groupAvatar: '', memberIdList: [ALICE, CAROL],
  }, Cid.CID_GROUP_CREATE_RESPONSE, IM.Group.IMGroupCreateRsp);
  const g = created.msg.groupId!;
  await pc.sendText(g, 'hello group', { group: true });
  const { msg } = await pc.request(Cid.CID_BUDDY_LIST_REMOVE_SESSION_REQ, IM.Buddy.IMRemoveSessionReq,
    { userId: ALICE, sessionType: GROUP, sessionId: g }, Cid.CID_BUDDY_LIST_REMOVE_SESSION_RES, IM.Buddy.IMRemoveSessionRsp);
  assert.deepEqual([msg.resultCode, msg.sessionType, msg.sessionId], [0, GROUP, g]);
  assert.ok(await nothingArrives(phone, Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY, 400));
  await Promise.all([pc.close(), phone.close()]);
});

test('P2P command: relayed with seq 0 and the session user as sender to the receiver and the sender\'s other terminals', async () => {
  const pc = await sys.loggedIn('alice', 0, WINDOWS);
  const phone = await sys.loggedIn('alice', 0, ANDROID);
  const bob = await sys.loggedIn('bob', 0, WINDOWS);
  const bobPhone = await sys.loggedIn('bob', 0, ANDROID);
  const carol = await sys.loggedIn('carol');
  const data = '{"cmd_id":1,"content":"typing"}';
  pc.send(Cid.CID_SWITCH_P2P_CMD, IM.SwitchService.IMP2PCmdMsg, { fromUserId: CAROL, toUserId: BOB, cmdMsgData: data }, 321);
  for (const c of [bob, bobPhone, phone]) {
    const got = await c.waitMsg(Cid.CID_SWITCH_P2P_CMD, IM.SwitchService.IMP2PCmdMsg);
    assert.deepEqual([got.msg.fromUserId, got.msg.toUserId, got.msg.cmdMsgData], [ALICE, BOB, data], 'sender overwritten (the original relayed the spoofed id)');
    assert.equal(got.pdu.header.seq, 0, 'not the sender\'s seq');
  }
  assert.ok(await nothingArrives(pc, Cid.CID_SWITCH_P2P_CMD, 300), 'not echoed to the sending terminal');
  assert.equal(carol.inbox.some((p) => p.header.commandId === Cid.CID_SWITCH_P2P_CMD), false, 'the spoofed user gets nothing');
  assert.ok(await nothingArrives(bob, Cid.CID_SWITCH_P2P_CMD, 100), 'once per terminal');
  await Promise.all([pc.close(), phone.close(), bob.close(), bobPhone.close(), carol.close()]);
});
