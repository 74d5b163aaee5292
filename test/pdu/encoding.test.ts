// The encoding rules of protocol.md §1.7 and §3.2 that compatibility depends on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { BodyEncodeError, decodeBody, decodePdu, encodeBody, has } from '../../src/pdu/codec';
import { encodeFrame } from '../../src/pdu/Pdu';
import { PduError } from '../../src/pdu/PduError';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const isPduError = (reason: string) => (e: unknown): boolean => e instanceof PduError && e.reason === reason;

test('§1.7 heartbeat frame: 16 bytes, empty body', () => {
  const frame = encodeFrame(Cid.CID_OTHER_HEARTBEAT, encodeBody(IM.Other.IMHeartBeat, {}), { seq: 5 });
  assert.equal(frame.toString('hex'), '00000010000100000007070100050000');
  const d = decodePdu(frame);
  assert.equal(d.info.name, 'CID_OTHER_HEARTBEAT');
  assert.equal(d.body.length, 0);
});

test('§1.7 login request of the C++ test client, both ways', () => {
  const wire = hex(`00 00 00 41 00 01 00 00 00 01 01 03 00 01 00 00
    0a 04 74 65 73 74
    12 20 65 31 30 61 64 63 33 39 34 39 62 61 35 39 61 62 62 65 35 36 65 30 35 37 66 32 30 66 38 38 33 65
    18 01 20 01 2a 03 31 2e 30`);
  const body = encodeBody(IM.Login.IMLoginReq, {
    userName: 'test', password: 'e10adc3949ba59abbe56e057f20f883e',
    onlineStatus: IM.BaseDefine.UserStatType.USER_STATUS_ONLINE, clientType: IM.BaseDefine.ClientType.CLIENT_TYPE_WINDOWS,
    clientVersion: '1.0',
  });
  assert.deepEqual(encodeFrame(Cid.CID_LOGIN_REQ_USERLOGIN, body, { seq: 1 }), wire);
  const req = decodeBody(IM.Login.IMLoginReq, decodePdu(wire).body);
  assert.equal(req.userName, 'test');
  assert.equal(req.clientType, IM.BaseDefine.ClientType.CLIENT_TYPE_WINDOWS);
});

test('§1.7 message ack echoing seq 7', () => {
  const body = encodeBody(IM.Message.IMMsgDataAck, { userId: 1, sessionId: 2, msgId: 3, sessionType: IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE });
  assert.equal(encodeFrame(Cid.CID_MSG_DATA_ACK, body, { seq: 7 }).toString('hex'), '000000180001000000030302000700000801100218032001');
});

test('§3.2 repeated scalars are written unpacked; packed input is still accepted', () => {
  assert.equal(encodeBody(IM.Buddy.IMUsersInfoReq, { userId: 1, userIdList: [2, 3] }).toString('hex'), '080110021003');
  const packed = decodeBody(IM.Buddy.IMUsersInfoReq, hex('0801 12 02 0203'));
  assert.deepEqual(packed.userIdList, [2, 3]);
});

test('§3.2 fields are written in field-number order whatever the object order', () => {
  const body = encodeBody(IM.Message.IMMsgData, {
    attachData: hex('000000010000000700000000'), msgData: Buffer.from('x'), msgType: IM.BaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT,
    createTime: 4, msgId: 3, toSessionId: 2, fromUserId: 1,
  });
  assert.equal(body.toString('hex'), '08011002180320042801320178a2010c000000010000000700000000');
});

test('§3.2 optional fields stay absent; required ones are always written, even when 0', () => {
  const body = encodeBody(IM.Login.IMLoginRes, { serverTime: 0, resultCode: IM.BaseDefine.ResultType.REFUSE_REASON_DB_VALIDATE_FAILED });
  assert.equal(body.toString('hex'), '08001006');
  const res = decodeBody(IM.Login.IMLoginRes, body);
  assert.equal(has(res, 'onlineStatus'), false);
  assert.equal(has(res, 'userInfo'), false);
  assert.equal(has(res, 'resultCode'), true);
});

test('§3.2 a missing required field fails decode (bad-protobuf), at any depth', () => {
  assert.throws(() => decodeBody(IM.Login.IMLoginReq, hex('0a0474657374')), isPduError('bad-protobuf'));
  // IMUserStatNotify{user_stat{user_id 3}}: UserStat.status missing inside
  assert.throws(() => decodeBody(IM.Buddy.IMUserStatNotify, hex('0a020803')), isPduError('bad-protobuf'));
  assert.equal(decodeBody(IM.Buddy.IMUserStatNotify, hex('0a0408031002')).userStat.status, IM.BaseDefine.UserStatType.USER_STATUS_OFFLINE);
});

test('§3.2 an unknown enum value: a required one fails the message, an optional one counts as absent', () => {
  // IMLoginReq with client_type 99
  const badRequired = hex('0a0474657374 1200 1801 2063');
  assert.throws(() => decodeBody(IM.Login.IMLoginReq, badRequired, Cid.CID_LOGIN_REQ_USERLOGIN), (e: unknown) =>
    e instanceof PduError && e.reason === 'bad-protobuf' && e.commandId === Cid.CID_LOGIN_REQ_USERLOGIN && /clientType/.test(e.message));
  // nested: IMUserStatNotify{user_stat{user_id 3, status 9}}
  assert.throws(() => decodeBody(IM.Buddy.IMUserStatNotify, hex('0a0408031009')), isPduError('bad-protobuf'));
  // IMLoginRes with optional online_status 7
  const res = decodeBody(IM.Login.IMLoginRes, hex('0801 1000 2007'));
  assert.equal(has(res, 'onlineStatus'), false);
  assert.equal(res.resultCode, IM.BaseDefine.ResultType.REFUSE_REASON_NONE);
  // IMDeviceTokenReq with optional client_type 5
  const tok = decodeBody(IM.Login.IMDeviceTokenReq, hex('0801 1200 1805'));
  assert.equal(has(tok, 'clientType'), false);
  const ok = decodeBody(IM.Login.IMDeviceTokenReq, hex('0801 1200 1811'));
  assert.equal(ok.clientType, IM.BaseDefine.ClientType.CLIENT_TYPE_IOS);
});

test('§3.2 defaults: the explicit GROUP_TYPE_TMP and first-listed enum values', () => {
  assert.equal(IM.Group.IMGroupCreateReq.create().groupType, IM.BaseDefine.GroupType.GROUP_TYPE_TMP);
  assert.equal(IM.Message.IMMsgData.create().msgType, IM.BaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT);
});

test('encodeBody refuses a message the peer could not parse', () => {
  assert.throws(() => encodeBody(IM.Message.IMMsgDataAck, { userId: 1, sessionId: 2, msgId: 3 } as IM.Message.IIMMsgDataAck), BodyEncodeError);
  assert.throws(() => encodeBody(IM.Login.IMLoginReq, { userName: 'a', password: 'b', onlineStatus: 1, clientType: 99 as IM.BaseDefine.ClientType }), BodyEncodeError);
  assert.throws(() => encodeBody(IM.Buddy.IMUserStatNotify, {} as IM.Buddy.IIMUserStatNotify), BodyEncodeError);
});

test('§3.2 empty messages encode to a zero-length body', () => {
  for (const t of [IM.Other.IMHeartBeat, IM.Login.IMMsgServReq, IM.Login.IMLogoutReq, IM.Message.IMClientTimeReq, IM.Server.IMFileServerIPReq]) {
    assert.equal(encodeBody(t, {}).length, 0);
  }
});

test('decodePdu: unknown command, wrong service, short and long frames', () => {
  const hb = hex('00000010000100000007070100050000');
  assert.throws(() => decodePdu(hex('00000010000100000007070c00050000')), isPduError('unknown-command'));
  assert.throws(() => decodePdu(hex('00000010000100000003070100050000')), isPduError('bad-service'));
  assert.throws(() => decodePdu(hb.subarray(0, 15)), isPduError('short-header'));
  assert.throws(() => decodePdu(hex('00000011000100000007070100050000')), isPduError('short-body'));
  assert.throws(() => decodePdu(Buffer.concat([hb, hex('00')])), isPduError('trailing-bytes'));
  assert.throws(() => decodePdu(hex('0000000f000100000007070100050000')), isPduError('length-too-small'));
  assert.throws(() => decodePdu(hb, 15), isPduError('length-too-large'));
  // a body that is not protobuf at all
  assert.throws(() => decodePdu(hex('0000001400010000000101030001000007ffffff')), isPduError('bad-protobuf'));
});

test('decodeBody accepts a Pdu and labels errors with its command id', () => {
  const pdu = { header: { length: 18, version: 1, flag: 0, serviceId: 1, commandId: Cid.CID_LOGIN_REQ_USERLOGIN, seq: 1, reserved: 0 }, body: hex('0a00') };
  assert.throws(() => decodeBody(IM.Login.IMLoginReq, pdu), (e: unknown) => e instanceof PduError && e.commandId === Cid.CID_LOGIN_REQ_USERLOGIN);
});
