// The two shield settings that decide who gets a push (db_proxy.md §6.2, §6.17 to §6.19): a member
// who muted a group gets no device token for that group's push, and an iOS user with "do not
// disturb" on is skipped at night (22:00–07:59 server local time) but not by day. The quiet-hours
// check reads the clock, so that part calls the handler directly with a chosen `now`, on the same
// real MariaDB and Redis the running db_proxy writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { decodePdu, encodeBody } from '../../src/pdu/codec';
import { childLog } from '../../src/util/log';
import { loadDbProxyConfig } from '../../src/servers/db_proxy/DbProxyConfig';
import { Services } from '../../src/servers/db_proxy/worker/Services';
import { RequestContext } from '../../src/servers/db_proxy/worker/RequestContext';
import { handleGetDeviceToken, isNight } from '../../src/servers/db_proxy/handlers/push';
import { writeTestConf } from '../helpers';
import { startDbProxy, Harness } from './support/harness';
import { createGroup, sendMsg } from './support/requests';

const IOS = 0x11;
const ANDROID = 0x12;
const GROUP_TEXT = IM.BaseDefine.MsgType.MSG_TYPE_GROUP_TEXT;

let h: Harness;
let services: Services;
before(async () => {
  h = await startDbProxy();
  services = new Services(loadDbProxyConfig(writeTestConf('db_proxy')), 1, childLog({ test: 'push_shield' }));
});
after(async () => {
  await services?.close();
  await h?.close();
});

const register = (user: number, token: string, clientType: number) =>
  h.link.call(Cid.CID_LOGIN_REQ_DEVICETOKEN, IM.Login.IMDeviceTokenReq, { userId: user, deviceToken: token, clientType },
    Cid.CID_LOGIN_RES_DEVICETOKEN, IM.Login.IMDeviceTokenRsp);

const tokensOverLink = (users: number[]) =>
  h.link.call(Cid.CID_OTHER_GET_DEVICE_TOKEN_REQ, IM.Server.IMGetDeviceTokenReq, { userId: users },
    Cid.CID_OTHER_GET_DEVICE_TOKEN_RSP, IM.Server.IMGetDeviceTokenRsp);

/** The handler itself, at a chosen wall-clock time. */
async function tokensAt(now: Date, users: number[]): Promise<IM.BaseDefine.IUserTokenInfo[]> {
  const ctx = new RequestContext(services, 0, 7, Cid.CID_OTHER_GET_DEVICE_TOKEN_REQ);
  await handleGetDeviceToken(ctx, IM.Server.IMGetDeviceTokenReq.create({ userId: users }), now);
  assert.ok(ctx.frame, 'the handler always answers');
  const { header, message } = decodePdu(ctx.frame);
  assert.equal(header.commandId, Cid.CID_OTHER_GET_DEVICE_TOKEN_RSP);
  return (message as IM.Server.IMGetDeviceTokenRsp).userTokenInfo;
}

/** Server local time today at hh:mm (the rule is about the local hour). */
const at = (hh: number, mm = 0): Date => {
  const d = new Date();
  d.setHours(hh, mm, 0, 0);
  return d;
};

test('a member who muted the group gets no device token for its push; the others get theirs with their badge', async () => {
  const g = (await createGroup(h.link, 0, 1, 'muted', [1, 2, 3])).groupId;
  await register(2, 'tok-bob', ANDROID);
  await register(3, 'tok-carol', ANDROID);
  const mute = await h.link.call(Cid.CID_GROUP_SHIELD_GROUP_REQUEST, IM.Group.IMGroupShieldReq, { userId: 2, groupId: g, shieldStatus: 1 },
    Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, IM.Group.IMGroupShieldRsp);
  assert.equal(mute.resultCode, 0);

  // Alice writes twice in the group; Bob also writes to Carol directly, so her badge mixes both kinds.
  await sendMsg(h.link, 1, g, 'Zw==', GROUP_TEXT);
  const last = await sendMsg(h.link, 1, g, 'aA==', GROUP_TEXT);
  await sendMsg(h.link, 2, 3, 'aQ==');

  // msg_server's group push (servers.md §4.14): shield flags first, then tokens for those at 0, sender excluded.
  const shield = await h.link.call(Cid.CID_OTHER_GET_SHIELD_REQ, IM.Server.IMGroupGetShieldReq,
    { groupId: g, userId: [1, 2, 3], attachData: encodeBody(IM.Message.IMMsgData, last) },
    Cid.CID_OTHER_GET_SHIELD_RSP, IM.Server.IMGroupGetShieldRsp);
  assert.deepEqual(shield.shieldStatusList.map((s) => [s.userId, s.shieldStatus]), [[1, 0], [2, 1], [3, 0]]);
  const unmuted = shield.shieldStatusList.filter((s) => s.shieldStatus === 0 && s.userId !== 1).map((s) => s.userId);
  assert.deepEqual(unmuted, [3]);
  const rsp = await tokensOverLink(unmuted);
  assert.deepEqual(rsp.userTokenInfo.map((t) => [t.userId, t.userType, t.token, t.pushCount]), [[3, ANDROID, 'tok-carol', 3]],
    'Carol only; badge = 2 group messages + 1 direct message');

  // Bob is left out because of the shield alone: his token is there when asked for.
  const both = await tokensOverLink([2, 3]);
  assert.deepEqual(both.userTokenInfo.map((t) => [t.userId, t.token]).sort(), [[2, 'tok-bob'], [3, 'tok-carol']]);

  // Unmuting puts him back into the group push.
  await h.link.call(Cid.CID_GROUP_SHIELD_GROUP_REQUEST, IM.Group.IMGroupShieldReq, { userId: 2, groupId: g, shieldStatus: 0 },
    Cid.CID_GROUP_SHIELD_GROUP_RESPONSE, IM.Group.IMGroupShieldRsp);
  const again = await h.link.call(Cid.CID_OTHER_GET_SHIELD_REQ, IM.Server.IMGroupGetShieldReq, { groupId: g, userId: [2] },
    Cid.CID_OTHER_GET_SHIELD_RSP, IM.Server.IMGroupGetShieldRsp);
  assert.deepEqual(again.shieldStatusList.map((s) => [s.userId, s.shieldStatus]), [[2, 0]]);
});

test('night is 22:00 to 07:59 server local time', () => {
  assert.deepEqual([at(21, 59), at(22), at(0), at(7, 59), at(8)].map((d) => isNight(d)), [false, true, true, true, false]);
});

test('iOS "do not disturb": skipped at night, pushed by day; Android users have no quiet hours', async () => {
  await register(1, 'tok-alice-ios', IOS);
  await register(2, 'tok-bob-ios', IOS);
  await register(3, 'tok-carol-android', ANDROID);
  for (const user of [1, 3]) {
    const set = await h.link.call(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: user, shieldStatus: 1 },
      Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp);
    assert.equal(set.resultCode, 0);
  }
  const who = (infos: IM.BaseDefine.IUserTokenInfo[]) => infos.map((t) => [t.userId, t.userType, t.token]).sort();

  const night = await tokensAt(at(23, 30), [1, 2, 3]);
  assert.deepEqual(who(night), [[2, IOS, 'tok-bob-ios'], [3, ANDROID, 'tok-carol-android']], 'Alice (iOS, shield on) is skipped at night');
  const earlyMorning = await tokensAt(at(7, 30), [1, 2, 3]);
  assert.deepEqual(who(earlyMorning), who(night));

  const day = await tokensAt(at(12), [1, 2, 3]);
  assert.deepEqual(who(day), [[1, IOS, 'tok-alice-ios'], [2, IOS, 'tok-bob-ios'], [3, ANDROID, 'tok-carol-android']], 'by day the shield does not apply');

  // Turning the shield off lets her through at night too.
  await h.link.call(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: 1, shieldStatus: 0 },
    Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp);
  assert.deepEqual(who(await tokensAt(at(23, 30), [1, 2])), [[1, IOS, 'tok-alice-ios'], [2, IOS, 'tok-bob-ios']]);
});
