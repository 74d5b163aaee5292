// A db_proxy link that breaks ends its pending client requests at once (servers.md §6.1 "requests
// in flight when a link breaks are lost", §6.6 item 4), by the rules of the per-request timeout:
// the failure reply where the command has a failure field, a log line only otherwise (a message
// store may or may not have happened, so no ack). Requests on the other links keep waiting for
// their replies. The real system runs behind test/msg/support/DbRelay, which holds replies back
// and breaks the one link that carried a held reply; the clock is never advanced, and the
// timeout (the 15 s default) is far longer than anything here waits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { captureLog, until } from '../net/support/transports';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { DbPending, PendingRequest } from '../../src/servers/msg/DbPending';
import { TestSystem, RunningMsg } from '../e2e/TestSystem';
import { DbRelay } from './support/DbRelay';
import { startBehindRelay } from './support/behindRelay';
import { BOB, WINDOWS, noImmediateReply } from './support/commands';
import { TtClient } from '../../src/client/TtClient';
import { wirePassword } from '../../src/pdu/crypto';

const LINK_LOG = 'db_proxy link closed with requests in flight; failure replies sent where the reply has a failure field, the rest dropped';
const LOGIN_LOG = 'db_proxy link closed with logins waiting for validation; refused them (no db server)';
const TIMEOUT_LOG = 'db_proxy did not answer in time; failure replies sent where the reply has a failure field, the rest dropped';

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

test('the broken link\'s requests end at once (failure reply with the seq, or a log line); the other link\'s wait', async () => {
  assert.equal(m.server.dbPending.timeoutMs, 15_000, 'the default timeout: nothing below waits that long');
  const bob = await sys.loggedIn('bob');
  relay.hold.add(Cid.CID_LOGIN_RES_PUSH_SHIELD); // general pool, has a failure field
  relay.hold.add(Cid.CID_MSG_DATA); // general pool, no failure reply (an ack means stored)
  relay.hold.add(Cid.CID_MSG_UNREAD_CNT_RESPONSE); // login pool: the link that stays up
  try {
    const shieldSeq = bob.send(Cid.CID_LOGIN_REQ_PUSH_SHIELD, IM.Login.IMPushShieldReq, { userId: BOB, shieldStatus: 1 });
    bob.sendTextNoWait(1, 'stored or not: nobody knows');
    const unreadSeq = bob.send(Cid.CID_MSG_UNREAD_CNT_REQUEST, IM.Message.IMUnreadMsgCntReq, { userId: BOB });
    await until(() => relay.heldCount(Cid.CID_LOGIN_RES_PUSH_SHIELD) === 1 && relay.heldCount(Cid.CID_MSG_DATA) === 1
      && relay.heldCount(Cid.CID_MSG_UNREAD_CNT_RESPONSE) === 1, 5000, 'db_proxy answered (held)');
    assert.equal(m.server.dbPending.size, 3);

    const from = cap.lines.length;
    const t0 = Date.now();
    relay.dropLinkOf(Cid.CID_LOGIN_RES_PUSH_SHIELD);
    const shield = await bob.waitMsg(Cid.CID_LOGIN_RES_PUSH_SHIELD, IM.Login.IMPushShieldRsp, undefined, 3000);
    assert.ok(Date.now() - t0 < 3000, 'at once, not after DbRequestTimeoutMs');
    assert.equal(shield.pdu.header.seq, shieldSeq, 'the failure carries the request\'s seq');
    assert.equal(shield.msg.resultCode, 1);
    assert.equal(shield.msg.userId, BOB);
    assert.equal(m.server.dbPending.size, 1, 'only the request on the surviving link is still pending');
    const lines = cap.lines.slice(from).filter((l) => l.msg === LINK_LOG);
    assert.equal(lines.length, 1, 'one line for the link');
    assert.equal(lines[0]!.expired, 2);
    assert.equal(lines[0]!.answered, 1);
    assert.equal(lines[0]!.dropped, 1);
    assert.deepEqual([...(lines[0]!.replyCids as string[])].sort(), ['0x010d', '0x0301']);
    assert.equal(cap.lines.slice(from).some((l) => l.msg === TIMEOUT_LOG), false, 'not the timeout');
    await noImmediateReply(bob, Cid.CID_MSG_DATA_ACK);
    assert.equal(bob.inbox.some((p) => p.header.commandId === Cid.CID_MSG_UNREAD_CNT_RESPONSE), false, 'the other link\'s request still waits');

    // The surviving link's reply still comes, as the one answer.
    relay.hold.clear();
    relay.release();
    const unread = await bob.waitMsg(Cid.CID_MSG_UNREAD_CNT_RESPONSE, IM.Message.IMUnreadMsgCntRsp, undefined, 3000);
    assert.equal(unread.pdu.header.seq, unreadSeq);
    assert.equal(m.server.dbPending.size, 0);
  } finally {
    relay.hold.clear();
    relay.release();
    await bob.close();
  }
});

test('a login whose validate request was on the broken link is refused at once with its seq, not at the login deadline', async () => {
  relay.hold.add(Cid.CID_OTHER_VALIDATE_RSP);
  const c = await TtClient.connect('127.0.0.1', sys.msgPort(), { firstSeq: 777 });
  try {
    const seq = c.send(Cid.CID_LOGIN_REQ_USERLOGIN, IM.Login.IMLoginReq, {
      userName: 'carol', password: wirePassword('123456'), onlineStatus: 1, clientType: WINDOWS, clientVersion: 'test',
    });
    await until(() => relay.heldCount(Cid.CID_OTHER_VALIDATE_RSP) === 1, 5000, 'db_proxy answered the validate (held)');
    const from = cap.lines.length;
    const t0 = Date.now();
    relay.dropLinkOf(Cid.CID_OTHER_VALIDATE_RSP);
    const { msg: res, pdu } = await c.waitMsg(Cid.CID_LOGIN_RES_USERLOGIN, IM.Login.IMLoginRes, undefined, 3000);
    assert.ok(Date.now() - t0 < 3000, 'at once: the login deadline is 15 s');
    assert.equal(pdu.header.seq, seq);
    assert.equal(res.resultCode, IM.BaseDefine.ResultType.REFUSE_REASON_NO_DB_SERVER);
    assert.equal(res.userInfo, null);
    await c.closedPromise;
    const lines = cap.lines.slice(from).filter((l) => l.msg === LOGIN_LOG);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.refused, 1);
  } finally {
    relay.hold.clear();
    relay.release();
    await c.close();
  }
});

test('expireLink ends exactly that link\'s live entries, in send order, even where a seq is reused on another link', () => {
  const expired: PendingRequest[] = [];
  const p = new DbPending(1000, (e) => expired.push(e));
  const x = {};
  const y = {};
  p.track(1, 10, 5, 0x0406, undefined, 0, y);
  p.track(1, 10, 5, 0x0406, undefined, 1, x); // same handle, seq and reply, other link
  p.track(2, 20, 6, 0x0211, undefined, 2, x);
  p.track(3, 30, 7, 0x0211, undefined, 3, x);
  assert.ok(p.settle(3, 7, 0x0211), 'answered before the link broke');
  assert.equal(p.expireLink(x), 2);
  assert.deepEqual(expired.map((e) => [e.handle, e.at]), [[1, 1], [2, 2]]);
  assert.equal(p.size, 1);
  assert.equal(p.expireLink(x), 0, 'nothing left on it');
  assert.ok(p.settle(1, 5, 0x0406), 'the other link\'s entry with the same key is still there');
  p.onTick(10_000);
  assert.equal(expired.length, 2, 'expired entries never expire again');
});
