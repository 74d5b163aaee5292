import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { notificationsOf } from '../../src/servers/push/Notification';
import { apnsHeaders, apnsPayload } from '../../src/servers/push/apnsPayload';
import { fcmMessage } from '../../src/servers/push/fcmMessage';

// servers.md §4.14: msg_server's data text, exactly as its jsonxx writes it.
const SINGLE_DATA = '{\n\t"from_id": 1,\n\t"msg_type": 1 \n} \n';
const GROUP_DATA = '{\n\t"from_id": 1,\n\t"group_id": 1,\n\t"msg_type": 17 \n} \n';
const IOS_TOKEN = 'a1'.repeat(32);
const IOS_TOKEN_2 = 'b2'.repeat(32);
const ANDROID_TOKEN = 'fcm_token:APA91b' + 'x'.repeat(140);

/** The request as it travels on the wire (encode + decode, so field handling is the real one). */
function wire(req: IM.Server.IIMPushToUserReq): IM.Server.IMPushToUserReq {
  return decodeBody(IM.Server.IMPushToUserReq, encodeBody(IM.Server.IMPushToUserReq, req));
}

test('1:1 message: an iOS alert with the flash, the unread badge and the sound; custom data untouched', () => {
  const [n] = notificationsOf(wire({
    flash: 'Alice:hello bob',
    data: SINGLE_DATA,
    userTokenList: [{ userId: 2, userType: 17, token: IOS_TOKEN, pushCount: 3, pushType: 1 }],
  }));
  assert.ok(n);
  assert.equal(n.silent, false);
  assert.equal(n.badge, 3);
  const payload = apnsPayload(n);
  assert.deepEqual(payload, { aps: { alert: { body: 'Alice:hello bob' }, badge: 3, sound: 'bingbong.aiff' }, custom: SINGLE_DATA });
  // Keys in sorted order, like the original's jsonxx output (edge.md §4.6).
  assert.equal(JSON.stringify(payload), `{"aps":{"alert":{"body":"Alice:hello bob"},"badge":3,"sound":"bingbong.aiff"},"custom":${JSON.stringify(SINGLE_DATA)}}`);
  const h = apnsHeaders(n, 'com.mogujie.tt', 1_800_000_000);
  assert.equal(h['apns-priority'], '10');
  assert.equal(h['apns-expiration'], String(1_800_000_000 + 3600));
  assert.equal(h['apns-topic'], 'com.mogujie.tt');
});

test('group message: one request fans out per token, each with its own badge; PC-online users get a silent push', () => {
  const list = notificationsOf(wire({
    flash: '您收到了一条消息',
    data: GROUP_DATA,
    userTokenList: [
      { userId: 2, userType: 17, token: IOS_TOKEN, pushCount: 7, pushType: 1 },
      // servers.md §4.14: push_type 2 when the user has a PC client online.
      { userId: 3, userType: 17, token: IOS_TOKEN_2, pushCount: 12, pushType: 2 },
      { userId: 4, userType: 18, token: ANDROID_TOKEN, pushCount: 1, pushType: 1 },
      { userId: 5, userType: 18, token: ANDROID_TOKEN, pushCount: 0, pushType: 2 },
    ],
  }));
  assert.deepEqual(list.map((n) => [n.userId, n.badge, n.silent]), [[2, 7, false], [3, 12, true], [4, 1, false], [5, 0, true]]);

  assert.deepEqual(apnsPayload(list[0]!), { aps: { alert: { body: '您收到了一条消息' }, badge: 7, sound: 'bingbong.aiff' }, custom: GROUP_DATA });
  // Silent: badge only, no alert and no sound (edge.md §4.6).
  assert.deepEqual(apnsPayload(list[1]!), { aps: { badge: 12 }, custom: GROUP_DATA });
  assert.equal(apnsHeaders(list[1]!, 't', 0)['apns-priority'], '5');

  assert.deepEqual(fcmMessage(list[2]!), {
    message: {
      token: ANDROID_TOKEN,
      notification: { body: '您收到了一条消息' },
      data: { custom: GROUP_DATA, badge: '1' },
      android: { priority: 'HIGH', notification: { sound: 'default', notification_count: 1 } },
    },
  });
  // Silent on Android: a data-only message, nothing shown.
  assert.deepEqual(fcmMessage(list[3]!), {
    message: { token: ANDROID_TOKEN, data: { custom: GROUP_DATA, badge: '0' }, android: { priority: 'NORMAL' } },
  });
});

test('a push type other than 1 never makes noise', () => {
  const [n] = notificationsOf(wire({
    flash: 'x', data: SINGLE_DATA, userTokenList: [{ userId: 2, userType: 17, token: IOS_TOKEN, pushCount: 1, pushType: 0 }],
  }));
  assert.equal(n!.silent, true);
  assert.equal(apnsPayload(n!).aps.sound, undefined);
  assert.equal(apnsPayload(n!).aps.alert, undefined);
});
