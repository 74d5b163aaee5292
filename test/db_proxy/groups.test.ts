import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { startDbProxy, Harness } from './support/harness';
import { createGroup, changeMembers, groupInfo } from './support/requests';
import { sql, redis } from './support/db';

let h: Harness;
before(async () => { h = await startDbProxy(); });
after(async () => { await h.close(); });

test('create: members de-duplicated and sorted, creator not added, rows and hash written; empty name fails', async () => {
  const rsp = await createGroup(h.link, 0, 1, 'eng', [3, 1, 3, 2]);
  assert.equal(rsp.resultCode, 0);
  assert.deepEqual(rsp.userIdList, [1, 2, 3]);
  const [row] = await sql<{ creator: number; type: number; userCnt: number; version: number; status: number }>('SELECT creator, type, userCnt, version, status FROM IMGroup WHERE id = ?', [rsp.groupId]);
  assert.deepEqual(row, { creator: 0, type: 1, userCnt: 3, version: 1, status: 0 });
  assert.deepEqual(Object.keys(await redis('group_member', (r) => r.hgetall(`group_member_${rsp.groupId}`))).sort(), ['1', '2', '3']);
  assert.equal(await redis('unread', (r) => r.get(`group_msg_id_${rsp.groupId}`)), '0');
  const bad = await createGroup(h.link, 1, 2, '', [1, 2]);
  assert.equal(bad.resultCode, 1);
  assert.equal(Object.prototype.hasOwnProperty.call(bad, 'groupId'), false);
});

test('change members: permissions, add, remove, version bump, current list in string order', async () => {
  const g = (await createGroup(h.link, 1, 1, 'normal', [1, 2])).groupId;
  assert.equal((await changeMembers(h.link, 2, g, 1, [3])).resultCode, 1, 'only the creator changes a normal group');
  const add = await changeMembers(h.link, 1, g, 1, [3, 2, 10]);
  assert.deepEqual([add.resultCode, add.chgUserIdList, add.curUserIdList], [0, [3, 10], [1, 10, 2, 3]]);
  assert.equal((await changeMembers(h.link, 1, g, 1, [2])).resultCode, 1, 'nobody new to add');
  const del = await changeMembers(h.link, 0, g, 2, [10]);
  assert.deepEqual([del.resultCode, del.chgUserIdList, del.curUserIdList], [0, [10], [1, 2, 3]]);
  const [row] = await sql<{ version: number; userCnt: number }>('SELECT version, userCnt FROM IMGroup WHERE id = ?', [g]);
  assert.deepEqual(row, { version: 3, userCnt: 3 });
  const tmp = (await createGroup(h.link, 1, 2, 'tmp', [1])).groupId;
  assert.equal((await changeMembers(h.link, 3, tmp, 1, [3])).resultCode, 0, 'a temporary group accepts additions from anyone');
  assert.equal((await changeMembers(h.link, 3, tmp, 2, [1])).resultCode, 1, 'but removals only from its creator');
  h.link.send(Cid.CID_GROUP_CHANGE_MEMBER_REQUEST, IM.Group.IMGroupChangeMemberReq, { userId: 0, changeType: 1, groupId: 9999, memberIdList: [1] }, 777);
  assert.ok(await h.link.silent(Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, 300), 'unknown group: no reply');
});

test('normal group list and group info by version', async () => {
  const a = (await createGroup(h.link, 0, 1, 'list-a', [2, 3])).groupId;
  const t = (await createGroup(h.link, 2, 2, 'list-tmp', [2, 3])).groupId;
  const list = await h.link.call(Cid.CID_GROUP_NORMAL_LIST_REQUEST, IM.Group.IMNormalGroupListReq, { userId: 3 }, Cid.CID_GROUP_NORMAL_LIST_RESPONSE, IM.Group.IMNormalGroupListRsp);
  const ids = list.groupVersionList.map((v) => v.groupId);
  assert.ok(ids.includes(a));
  assert.ok(!ids.includes(t), 'temporary groups are not listed');
  const info = await groupInfo(h.link, 3, [[a, 0], [t, 0], [9999, 0]]);
  assert.deepEqual(info.groupInfoList.map((g) => g.groupId).sort(), [a, t].sort());
  const ga = info.groupInfoList.find((g) => g.groupId === a)!;
  assert.deepEqual([ga.groupName, ga.groupType, ga.shieldStatus, ga.groupMemberList], ['list-a', 1, 0, [2, 3]]);
  assert.equal((await groupInfo(h.link, 3, [[a, 1]])).groupInfoList.length, 0, 'the client already has version 1');
});

test('group shield: members set it, msg_server reads it per recipient in request order', async () => {
  const g = (await createGroup(h.link, 0, 1, 'shield', [1, 2])).groupId;
  const set = await h.link.call(Cid.CID_GROUP_SHIELD_GROUP_REQUEST, IM.Group.IMGroupShieldReq, { userId: 2, groupId: g, shieldStatus: 1 }, Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, IM.Group.IMGroupShieldRsp);
  assert.equal(set.resultCode, 0);
  const notMember = await h.link.call(Cid.CID_GROUP_SHIELD_GROUP_REQUEST, IM.Group.IMGroupShieldReq, { userId: 3, groupId: g, shieldStatus: 1 }, Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, IM.Group.IMGroupShieldRsp);
  assert.equal(notMember.resultCode, 1);
  const get = await h.link.call(Cid.CID_OTHER_GET_SHIELD_REQ, IM.Server.IMGroupGetShieldReq, { groupId: g, userId: [2, 1, 3] }, Cid.CID_OTHER_GET_SHIELD_RSP, IM.Server.IMGroupGetShieldRsp);
  assert.deepEqual(get.shieldStatusList.map((s) => [s.userId, s.shieldStatus]), [[2, 1], [1, 0], [3, 0]]);
});

test('a group whose Redis membership was lost is rebuilt from IMGroupMember', async () => {
  const g = (await createGroup(h.link, 0, 1, 'rebuild', [1, 3])).groupId;
  await redis('group_member', (r) => r.del(`group_member_${g}`));
  const info = await groupInfo(h.link, 1, [[g, 0]]);
  assert.deepEqual(info.groupInfoList[0]?.groupMemberList, [1, 3]);
});
