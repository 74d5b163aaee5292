// Per-request timeouts towards db_proxy (servers.md §6.6 / §6.8 Rewrite, DbRequestTimeoutMs): a
// forwarded request db_proxy does not answer in time gets the failure reply of its command with
// the request's seq when that reply has a failure field; a list or a message store gets nothing
// (an ack would read as "stored") and one log line; a late reply never makes a second reply. The
// real system runs with a relay in front of db_proxy that holds chosen replies back; the one-second
// tick is driven with a synthetic clock, so nothing waits for the 15 s default.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeTestConf } from '../helpers';
import { captureLog, until } from '../net/support/transports';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { nowMs } from '../../src/util/clock';
import { readMsgConfig } from '../../src/servers/msg/MsgConfig';
import { DbPending, PendingRequest } from '../../src/servers/msg/DbPending';
import { TestSystem, RunningMsg, sleep } from '../e2e/TestSystem';
import { DbRelay } from './support/DbRelay';
import { startBehindRelay } from './support/behindRelay';
import { ALICE, ANDROID, BOB, CAROL, noImmediateReply } from './support/commands';

const TIMEOUT_LOG = 'db_proxy did not answer in time; failure replies sent where the reply has a failure field, the rest dropped';
const LATE_LOG = 'db_proxy reply after the request timed out with a failure reply; dropped';

const cap = captureLog();
let sys: TestSystem;
let relay: DbRelay;
let m: RunningMsg;

before(async () => {
  ({ sys, relay, m } = await startBehindRelay(cap.log));
});

after(async () => {
  await sys?.stop();
  await relay?.close();
});

/** One tick as if the default timeout (plus the tick's second) had passed since every pending request. */
function tickPastTimeout(): void {
  m.server.onTick(nowMs() + m.server.dbPending.timeoutMs + 1000);
}

function logsSince(from: number, msg: string): Array<Record<string, unknown>> {
  return cap.lines.slice(from).filter((l) => l.msg === msg);
}

test('DbRequestTimeoutMs: optional, default 15000 (longer than db_proxy\'s 10 s MySQL timeout), must be positive', () => {
  assert.equal(readMsgConfig(writeTestConf('msg')).dbRequestTimeoutMs, 15_000);
  assert.equal(readMsgConfig(writeTestConf('msg', { DbRequestTimeoutMs: 20_000 })).dbRequestTimeoutMs, 20_000);
  assert.throws(() => readMsgConfig(writeTestConf('msg', { DbRequestTimeoutMs: 0 })), /DbRequestTimeoutMs/);
});

test('an answered request leaves nothing pending', async () => {
  const alice = await sys.loggedIn('alice');
  const { msg } = await alice.request(Cid.CID_LOGIN_REQ_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldReq, { userId: ALICE },
    Cid.CID_LOGIN_RES_QUERY_PUSH_SHIELD, IM.Login.IMQueryPushShieldRsp);
  assert.equal(msg.resultCode, 0);
  assert.equal(m.server.dbPending.size, 0);
  await alice.close();
});

test('unanswered requests with a failure field get that failure with their seq after the timeout; the late real reply is dropped', async () => {
  const bob = await sys.loggedIn('bob', 0, ANDROID);
  relay.hold.add(Cid.CID_LOGIN_RES_PUSH_SHIELD);
  relay.hold.add(Cid.CID_GROUP_CREATE_RESPONSE);
  try {
    const shieldSeq = bob.send(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: BOB, shieldStatus: 1 });
    const createSeq = bob.send(Cid.CID_GROUP_CREATE_REQUEST, IM.Group.IMGroupCreateReq, {
      userId: BOB, groupType: IM.BaseDefine.GroupType.GROUP_TYPE_TMP, groupName: 'timeout group', groupAvatar: '', memberIdList: [BOB, CAROL],
    });
    await until(() => relay.heldCount(Cid.CID_LOGIN_RES_PUSH_SHIELD) === 1 && relay.heldCount(Cid.CID_GROUP_CREATE_RESPONSE) === 1, 5000, 'db_proxy answered (held)');
    assert.equal(m.server.dbPending.size, 2);

    // Half the timeout: still waiting, nothing said.
    m.server.onTick(nowMs() + m.server.dbPending.timeoutMs / 2);
    await noImmediateReply(bob, Cid.CID_LOGIN_RES_PUSH_SHIELD);
    assert.equal(m.server.dbPending.size, 2);

    const from = cap.lines.length;
    tickPastTimeout();
    const shield = await bob.waitMsg(Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp, undefined, 2000);
    assert.equal(shield.pdu.header.seq, shieldSeq, 'the failure carries the request\'s seq');
    assert.equal(shield.msg.resultCode, 1);
    assert.equal(shield.msg.userId, BOB);
    const create = await bob.waitMsg(Cid.CID_GROUP_CREATE_RESPONSE, IM.Group.IMGroupCreateRsp, undefined, 2000);
    assert.equal(create.pdu.header.seq, createSeq);
    assert.equal(create.msg.resultCode, 1);
    assert.equal(create.msg.groupName, 'timeout group');
    assert.equal(m.server.dbPending.size, 0);
    const lines = logsSince(from, TIMEOUT_LOG);
    assert.equal(lines.length, 1, 'one line for the tick');
    assert.equal(lines[0]!.answered, 2);

    // db_proxy's real replies arrive late: dropped with a log line, never a second reply.
    relay.hold.clear();
    relay.release();
    await until(() => logsSince(from, LATE_LOG).length === 2, 3000, 'late replies dropped');
    await sleep(100);
    await noImmediateReply(bob, Cid.CID_LOGIN_RES_PUSH_SHIELD);
    assert.equal(bob.inbox.some((p) => p.header.commandId === Cid.CID_GROUP_CREATE_RESPONSE), false, 'no second group create reply');
  } finally {
    relay.hold.clear();
    relay.release();
    await bob.close();
  }
});

test('an unanswered list or message store gets nothing (no ack with msg_id 0) and one log line; its late reply is the one answer', async () => {
  const alice = await sys.loggedIn('alice');
  relay.hold.add(Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE);
  relay.hold.add(Cid.CID_MSG_DATA);
  try {
    const listSeq = alice.send(Cid.CID_BUDDY_LIST_DEPARTMENT_REQUEST, IM.Buddy.IMDepartmentReq, { userId: ALICE, latestUpdateTime: 0 });
    const msgSeq = alice.sendTextNoWait(BOB, 'while db_proxy hangs');
    await until(() => relay.heldCount(Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE) === 1 && relay.heldCount(Cid.CID_MSG_DATA) === 1, 5000, 'db_proxy answered (held)');

    const from = cap.lines.length;
    tickPastTimeout();
    await noImmediateReply(alice, Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE);
    assert.equal(alice.inbox.some((p) => p.header.commandId === Cid.CID_MSG_DATA_ACK), false, 'no ack: an ack means stored');
    const lines = logsSince(from, TIMEOUT_LOG);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.dropped, 2);
    assert.equal(lines[0]!.answered, 0);
    assert.deepEqual([...(lines[0]!.replyCids as string[])].sort(), ['0x0211', '0x0301']);

    relay.hold.clear();
    relay.release();
    const list = await alice.waitMsg(Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE, IM.Buddy.IMDepartmentRsp, undefined, 3000);
    assert.equal(list.pdu.header.seq, listSeq);
    const ack = await alice.waitMsg(Cid.CID_MSG_DATA_ACK, IM.Message.IMMsgDataAck, undefined, 3000);
    assert.equal(ack.pdu.header.seq, msgSeq);
    assert.ok(ack.msg.msgId > 0, 'the late ack is a real store');
    await noImmediateReply(alice, Cid.CID_MSG_DATA_ACK);
    assert.equal(alice.inbox.some((p) => p.header.commandId === Cid.CID_BUDDY_LIST_DEPARTMENT_RESPONSE), false, 'one list reply');
  } finally {
    relay.hold.clear();
    relay.release();
    await alice.close();
  }
});

test('the pending set is bounded: past its cap the oldest request expires at once; a reused seq settles oldest first', () => {
  const expired: PendingRequest[] = [];
  const p = new DbPending(1000, (e) => expired.push(e), 2);
  p.track(1, 10, 5, 0x0406, undefined, 0);
  p.track(1, 10, 5, 0x0406, undefined, 100);
  p.track(2, 20, 7, 0x0211, undefined, 200);
  assert.equal(p.size, 2);
  assert.deepEqual(expired.map((e) => e.at), [0], 'the oldest made room');
  assert.equal(p.settle(1, 5, 0x0406), true);
  assert.equal(p.settle(1, 5, 0x0406), false, 'settled once only');
  assert.equal(p.settle(2, 7, 0x0406), false, 'another reply command does not settle it');
  p.onTick(1199);
  assert.equal(expired.length, 1, 'not yet expired');
  p.onTick(1200);
  assert.deepEqual(expired.map((e) => e.handle), [1, 2]);
  assert.equal(p.size, 0);
});
