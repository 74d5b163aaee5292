// servers.md §5.5/§5.6: relayed commands go byte for byte to every other link (sign-info: to every
// link including the sender); nothing is parsed, re-encoded or targeted.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { encodeBody } from '../../src/pdu/codec';
import { encodeFrame } from '../../src/pdu/Pdu';
import { RouteHarness } from './support/routeHarness';
import type { PduPeer } from './support/PduPeer';

let h: RouteHarness;
let peers: PduPeer[];
before(async () => { h = await RouteHarness.start(); peers = [await h.peer(), await h.peer(), await h.peer()]; });
after(() => h.stop());

const relayed: Array<[name: string, frame: Buffer]> = [
  ['CID_MSG_DATA', encodeFrame(Cid.CID_MSG_DATA, encodeBody(IM.Message.IMMsgData, {
    fromUserId: 1, toSessionId: 2, msgId: 9, createTime: 1795512465, msgType: IM.BaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT,
    msgData: Buffer.from('PuB/Ulmnts35GW0PC8S7xg=='),
  }), { seq: 17, version: 6, reserved: 0x30 })],
  ['CID_SWITCH_P2P_CMD', encodeFrame(Cid.CID_SWITCH_P2P_CMD, encodeBody(IM.SwitchService.IMP2PCmdMsg, { fromUserId: 1, toUserId: 2, cmdMsgData: '{"type":1}' }), { seq: 3 })],
  ['CID_MSG_READ_NOTIFY', encodeFrame(Cid.CID_MSG_READ_NOTIFY, encodeBody(IM.Message.IMMsgDataReadNotify, { userId: 2, sessionId: 1, msgId: 3, sessionType: 1 }))],
  ['CID_OTHER_SERVER_KICK_USER', encodeFrame(Cid.CID_OTHER_SERVER_KICK_USER, encodeBody(IM.Server.IMServerKickUser, { userId: 1, clientType: 1, reason: 1 }))],
  ['CID_GROUP_CHANGE_MEMBER_NOTIFY', encodeFrame(Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY, encodeBody(IM.Group.IMGroupChangeMemberNotify, { userId: 1, changeType: 1, groupId: 5, curUserIdList: [1, 2, 3], chgUserIdList: [3] }))],
  ['CID_FILE_NOTIFY', encodeFrame(Cid.CID_FILE_NOTIFY, encodeBody(IM.File.IMFileNotify, {
    fromUserId: 1, toUserId: 2, fileName: 'a.txt', fileSize: 10, taskId: 't1', ipAddrList: [{ ip: '127.0.0.1', port: 8600 }], transMode: 1, offlineReady: 0,
  }))],
  ['CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY', encodeFrame(Cid.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY, encodeBody(IM.Buddy.IMRemoveSessionNotify, { userId: 1, sessionType: 1, sessionId: 2 }))],
];

for (const [name, frame] of relayed) {
  test(`${name} is relayed unchanged to every other link, not back to the sender`, async () => {
    const [sender, ...others] = peers as [PduPeer, ...PduPeer[]];
    sender.sendRaw(frame);
    for (const p of others) assert.equal((await p.next()).frame.toString('hex'), frame.toString('hex'));
    await h.settle();
    for (const p of peers) assert.deepEqual(p.drain(), [], 'exactly one copy each, none to the sender');
  });
}

test('CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY goes to every link including the sender', async () => {
  const frame = encodeFrame(Cid.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY, encodeBody(IM.Buddy.IMSignInfoChangedNotify, { changedUserId: 2, signInfo: '你好' }), { seq: 4 });
  peers[1]!.sendRaw(frame);
  for (const p of peers) assert.equal((await p.next()).frame.toString('hex'), frame.toString('hex'));
});

test('a relay reaches links whether or not they reported any user (no targeting)', async () => {
  const late = await h.peer();
  const frame = relayed[0]![1];
  peers[2]!.sendRaw(frame);
  assert.equal((await late.next()).frame.toString('hex'), frame.toString('hex'));
  late.close();
});
