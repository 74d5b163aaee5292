// msg_server's own metrics follow real clients: logins move the logged-in gauges, a 1:1 message
// moves the received and delivered counters, and the links to db_proxy, login and route show open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resetDatabase, flushRedis } from '../helpers';
import { IM } from '../../src/pdu/gen/im';
import { TestSystem } from '../e2e/TestSystem';
import { valueOf, waitFor } from './support/scrape';

let sys: TestSystem;
let port = 0;

before(async () => {
  await resetDatabase();
  await flushRedis();
  sys = await TestSystem.start({ msgOverrides: { MetricsPort: 0 } });
  port = sys.msgs[0]!.ports.metrics!;
});

after(async () => {
  await sys?.stop();
});

test('the bound metrics port is reported and the links show open by kind', async () => {
  assert.ok(port > 0);
  assert.ok(await valueOf(port, 'teamtalk_msg_links_open', { kind: 'db_proxy' }) >= 1);
  assert.equal(await valueOf(port, 'teamtalk_msg_links_open', { kind: 'login' }), 1);
  assert.equal(await valueOf(port, 'teamtalk_msg_links_open', { kind: 'route' }), 1);
  assert.equal(await valueOf(port, 'teamtalk_msg_links_open', { kind: 'push' }), 0);
  assert.equal(await valueOf(port, 'teamtalk_msg_links_configured', { kind: 'push' }), 0);
});

test('a login increments logged-in connections and users; a logout decrements them', async () => {
  const conns0 = await valueOf(port, 'teamtalk_msg_logged_in_connections');
  const users0 = await valueOf(port, 'teamtalk_msg_users_online');
  const alice = await sys.loggedIn('alice');
  assert.equal(await valueOf(port, 'teamtalk_msg_logged_in_connections'), conns0 + 1);
  assert.equal(await valueOf(port, 'teamtalk_msg_users_online'), users0 + 1);
  // A second terminal of another client type (the same type would kick the first).
  const alice2 = await sys.loggedIn('alice', 0, IM.BaseDefine.ClientType.CLIENT_TYPE_ANDROID);
  assert.equal(await valueOf(port, 'teamtalk_msg_logged_in_connections'), conns0 + 2);
  assert.equal(await valueOf(port, 'teamtalk_msg_users_online'), users0 + 1, 'a second terminal of the same user is not a new user');
  await alice.close();
  await alice2.close();
  await waitFor(port, 'teamtalk_msg_logged_in_connections', (v) => v === conns0);
  assert.equal(await valueOf(port, 'teamtalk_msg_users_online'), users0);
});

test('a 1:1 message counts as received from the sender and delivered to the receiver', async () => {
  const alice = await sys.loggedIn('alice');
  const bob = await sys.loggedIn('bob');
  const up0 = await valueOf(port, 'teamtalk_msg_messages_received_total');
  const down0 = await valueOf(port, 'teamtalk_msg_messages_delivered_total');
  const pdus0 = await valueOf(port, 'teamtalk_net_pdus_received_total');
  const ack = await alice.sendText(bob.userId, 'counted');
  await bob.receiveText((m) => m.msgId === ack.msgId);
  assert.equal(await valueOf(port, 'teamtalk_msg_messages_received_total'), up0 + 1);
  assert.equal(await valueOf(port, 'teamtalk_msg_messages_delivered_total'), down0 + 1);
  assert.ok(await valueOf(port, 'teamtalk_net_pdus_received_total') > pdus0);
  await alice.close();
  await bob.close();
});
