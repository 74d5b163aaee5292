import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetTransport } from '../../src/net/NetTransport';
import { Ticker } from '../../src/net/Ticker';
import { childLog } from '../../src/util/log';
import { MsgCipher } from '../../src/pdu/crypto';
import { MsgServer } from '../../src/servers/msg/MsgServer';
import type { MsgConfig } from '../../src/servers/msg/MsgConfig';
import type { MsgConn } from '../../src/servers/msg/MsgConn';

const WINDOWS = 0x01, MAC = 0x02, IOS = 0x11, ANDROID = 0x12;

function server(): MsgServer {
  const conf = { loginDeadlineMs: 15_000, msgRateLimit: 20, aesKey: '12345678901234567890123456789012' } as MsgConfig;
  return new MsgServer(conf, new NetTransport(), childLog({ test: 'kick_rules' }), new Ticker(), new MsgCipher());
}

function loggedIn(s: MsgServer, userId: number, clientType: number): MsgConn {
  const c = s.newConn();
  c.setClientType(clientType);
  c.userId = userId;
  c.open = true;
  s.users.attach(userId, c);
  return c;
}

test('a new PC login displaces every older PC terminal of the user and no phone', () => {
  const s = server();
  const win = loggedIn(s, 1, WINDOWS);
  const mac = loggedIn(s, 1, MAC);
  const phone = loggedIn(s, 1, ANDROID);
  const u = s.users.get(1)!;
  const fresh = loggedIn(s, 1, WINDOWS);
  assert.deepEqual(u.kickTargets(WINDOWS, fresh), [win, mac], 'all older same-class terminals (the original kicked only the first)');
  assert.ok(!u.kickTargets(WINDOWS, fresh).includes(phone));
});

test('a new mobile login displaces phones only', () => {
  const s = server();
  const win = loggedIn(s, 2, WINDOWS);
  const ios = loggedIn(s, 2, IOS);
  const u = s.users.get(2)!;
  assert.deepEqual(u.kickTargets(ANDROID), [ios]);
  assert.ok(!u.kickTargets(ANDROID).includes(win));
});

test('nothing to kick for a first login or another user', () => {
  const s = server();
  loggedIn(s, 3, WINDOWS);
  assert.equal(s.users.get(4), undefined);
  const only = s.users.get(3)!;
  assert.deepEqual(only.kickTargets(IOS), []);
});

test('an already kicked terminal is not kicked again, and kicked terminals receive nothing more', () => {
  const s = server();
  const old = loggedIn(s, 5, WINDOWS);
  const u = s.users.get(5)!;
  s.kick(old, 1);
  assert.equal(old.kicked, true);
  assert.deepEqual(u.kickTargets(WINDOWS), [], 'a kicked terminal is on its way out');
  assert.equal(s.sendToUser(5, Buffer.alloc(16)), 0, 'fan-out skips kicked terminals (the original kept delivering)');
});

test('mobile-kicks-PC: the PC class terminals are the targets', () => {
  const s = server();
  const win = loggedIn(s, 6, WINDOWS);
  const phone = loggedIn(s, 6, IOS);
  const u = s.users.get(6)!;
  assert.deepEqual(u.pcConns(), [win]);
  assert.deepEqual(u.mobileConns(), [phone]);
  assert.deepEqual(u.kickTargets(MAC), [win], 'the relayed kick names Mac = PC class');
});
