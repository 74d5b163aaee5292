// MaxClientConns (servers.md §1.11 Rewrite): msg_server closes a client connection at accept once it
// holds that many, logged in or not, with a rate-limited log line and a counter; the connections it
// holds keep working, and a freed place can be taken again. Unset, nothing is refused (original).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeTestConf } from '../helpers';
import { captureLog, until } from '../net/support/transports';
import { Cid } from '../../src/pdu/commands';
import { readMsgConfig } from '../../src/servers/msg/MsgConfig';
import { TestSystem, useFreshSystem, sleep } from '../e2e/TestSystem';
import { BOB } from './support/commands';

const MAX = 3;
const REFUSED_LOG = 'client connection limit reached (MaxClientConns); connection closed';

const cap = captureLog();
let sys: TestSystem;

useFreshSystem((s) => { sys = s; }, { msgOverrides: { MaxClientConns: MAX }, msgLog: cap.log });

async function closedWithin(p: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true), sleep(ms).then(() => false)]);
}

test('without the key there is no limit, like the original', () => {
  assert.equal(readMsgConfig(writeTestConf('msg')).maxClientConns, 0);
  assert.throws(() => readMsgConfig(writeTestConf('msg', { MaxClientConns: -1 })), /MaxClientConns/);
});

test(`connection ${MAX + 1} is closed at once; the first ${MAX} keep working; a freed place is taken again`, async () => {
  const server = sys.msgs[0]!.server;
  const alice = await sys.loggedIn('alice');
  const bob = await sys.loggedIn('bob');
  const idle = await sys.client(); // not logged in: it counts too
  await until(() => server.conns.size === MAX, 2000, 'three client connections');

  const extra = await sys.client();
  assert.ok(await closedWithin(extra.closedPromise, 1000), 'refused at accept');
  assert.equal(server.conns.size, MAX, 'never became a connection');
  assert.equal(server.connLimit?.refused, 1);
  assert.equal(cap.lines.filter((l) => l.msg === REFUSED_LOG).length, 1, 'logged');

  // A few more within the log interval: counted, not logged again.
  for (let i = 0; i < 3; i++) {
    const c = await sys.client();
    assert.ok(await closedWithin(c.closedPromise, 1000));
  }
  assert.equal(server.connLimit?.refused, 4);
  assert.equal(cap.lines.filter((l) => l.msg === REFUSED_LOG).length, 1, 'rate-limited log line');

  // The held connections are unaffected: a 1:1 message goes round, the idle one still logs in.
  const ack = await alice.sendText(BOB, 'under the limit');
  assert.ok(ack.msgId > 0);
  const got = await bob.receiveText((m) => m.msgId === ack.msgId);
  assert.equal(got.text, 'under the limit');
  const seq = idle.heartbeat();
  await idle.waitFor(Cid.CID_OTHER_HEARTBEAT, (p) => p.header.seq === seq, 2000);
  assert.equal((await idle.login('carol', '123456')).resultCode, 0);
  assert.equal([alice, bob, idle].some((c) => c.closed), false);

  // Closing one frees a place.
  await bob.close();
  await until(() => server.conns.size === MAX - 1, 2000, 'bob\'s connection to go');
  const again = await sys.loggedIn('bob');
  assert.equal(again.closed, false);
  assert.equal(server.connLimit?.refused, 4);
});
