import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { startDbProxy, Harness } from './support/harness';
import { sql, redis } from './support/db';

let h: Harness;
before(async () => { h = await startDbProxy(); });
after(async () => { await h.close(); });

test('push shield: set then query; an unknown user fails', async () => {
  const set = await h.link.call(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: 2, shieldStatus: 1 }, Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp);
  assert.deepEqual([set.resultCode, set.shieldStatus], [0, 1]);
  const again = await h.link.call(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: 2, shieldStatus: 1 }, Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp);
  assert.equal(again.resultCode, 0, 'writing the same value again is not a failure (original bug fixed)');
  const q = await h.link.call(Cid.CID_LOGIN_REQ_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldReq, { userId: 2 }, Cid.CID_LOGIN_RES_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldRsp);
  assert.deepEqual([q.resultCode, q.shieldStatus], [0, 1]);
  const none = await h.link.call(Cid.CID_LOGIN_REQ_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldReq, { userId: 999 }, Cid.CID_LOGIN_RES_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldRsp);
  assert.equal(none.resultCode, 1);
  assert.equal(Object.prototype.hasOwnProperty.call(none, 'shieldStatus'), false);
  const unknown = await h.link.call(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: 999, shieldStatus: 1 }, Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp);
  assert.equal(unknown.resultCode, 1);
});

test('user info: primary-key order, unknown ids absent, a list of 1e6 ids answered with at most 1000 users', async () => {
  const rsp = await h.link.call(Cid.CID_BUDDY_LIST_USER_INFO_REQUEST, IM.Buddy.IMUsersInfoReq, { userId: 1, userIdList: [3, 77, 1] },
    Cid.CID_BUDDY_LIST_USER_INFO_RESPONSE, IM.Buddy.IMUsersInfoRsp);
  assert.deepEqual(rsp.userInfoList.map((u) => [u.userId, u.userRealName, u.email]), [[1, 'alice', 'alice@example.com'], [3, 'carol', 'carol@example.com']]);
  const big = await h.link.call(Cid.CID_BUDDY_LIST_USER_INFO_REQUEST, IM.Buddy.IMUsersInfoReq, { userId: 1, userIdList: Array.from({ length: 1_000_000 }, (_, i) => i + 1) },
    Cid.CID_BUDDY_LIST_USER_INFO_RESPONSE, IM.Buddy.IMUsersInfoRsp);
  assert.equal(big.userInfoList.length, 3);
});

test('signature: stored as a parameter (quotes are data), over 128 bytes refused, directory delta picks it up', async () => {
  const sign = "it's \"quoted\" -- ; DROP TABLE IMUser";
  const rsp = await h.link.call(Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST, IM.Buddy.IMChangeSignInfoReq, { userId: 3, signInfo: sign },
    Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE, IM.Buddy.IMChangeSignInfoRsp);
  assert.deepEqual([rsp.resultCode, rsp.signInfo], [0, sign]);
  assert.equal((await sql<{ s: string }>('SELECT sign_info AS s FROM IMUser WHERE id = 3'))[0]!.s, sign);
  assert.ok(Number(await redis('unread', (r) => r.get('total_user_update'))) > 1700000000);
  const long = await h.link.call(Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST, IM.Buddy.IMChangeSignInfoReq, { userId: 3, signInfo: 'x'.repeat(129) },
    Cid.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE, IM.Buddy.IMChangeSignInfoRsp);
  assert.equal(long.resultCode, 1);
  await new Promise((r) => setTimeout(r, 1100)); // the newest-update gate is cached for a second
  const delta = await h.link.call(Cid.CID_BUDDY_LIST_ALL_USER_REQUEST, IM.Buddy.IMAllUserReq, { userId: 1, latestUpdateTime: 1700000000 },
    Cid.CID_BUDDY_LIST_ALL_USER_RESPONSE, IM.Buddy.IMAllUserRsp);
  assert.ok(delta.userList.some((u) => u.userId === 3 && u.signInfo === sign));
  assert.ok(delta.latestUpdateTime > 1700000000);
  const none = await h.link.call(Cid.CID_BUDDY_LIST_ALL_USER_REQUEST, IM.Buddy.IMAllUserReq, { userId: 1, latestUpdateTime: delta.latestUpdateTime },
    Cid.CID_BUDDY_LIST_ALL_USER_RESPONSE, IM.Buddy.IMAllUserRsp);
  assert.deepEqual([none.userList.length, none.latestUpdateTime], [0, delta.latestUpdateTime]);
});

test('departments: strictly newer than T, T raised to the newest', async () => {
  await sql('UPDATE IMDepart SET updated = 1700000500, status = 1 WHERE id = 2');
  const rsp = await h.link.call(Cid.CID_BUDDY_LIST_DEPARTMENT_REQUEST, IM.Buddy.IMDepartmentReq, { userId: 1, latestUpdateTime: 1700000000 },
    Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE, IM.Buddy.IMDepartmentRsp);
  assert.deepEqual(rsp.deptList.map((d) => [d.deptId, d.deptName, d.deptStatus]), [[2, 'Sales', 1]]);
  assert.equal(rsp.latestUpdateTime, 1700000500);
});
