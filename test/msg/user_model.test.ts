import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetTransport } from '../../src/net/NetTransport';
import { Ticker } from '../../src/net/Ticker';
import { childLog } from '../../src/util/log';
import { MsgCipher } from '../../src/pdu/crypto';
import { MsgServer } from '../../src/servers/msg/MsgServer';
import type { MsgConfig } from '../../src/servers/msg/MsgConfig';
import type { MsgConn } from '../../src/servers/msg/MsgConn';
import { isMobile, isPc, sameClass } from '../../src/servers/msg/ClientClass';

const WINDOWS = 0x01, MAC = 0x02, IOS = 0x11, ANDROID = 0x12;

function server(): MsgServer {
  const conf = { loginDeadlineMs: 15_000, msgRateLimit: 20, aesKey: '12345678901234567890123456789012' } as MsgConfig;
  return new MsgServer(conf, new NetTransport(), childLog({ test: 'user_model' }), new Ticker(), new MsgCipher());
}

/** A validated connection attached to its user without the link traffic of a real login. */
function loggedIn(s: MsgServer, userId: number, clientType: number): MsgConn {
  const c = s.newConn();
  c.setClientType(clientType);
  c.userId = userId;
  c.open = true;
  s.users.attach(userId, c);
  return c;
}

test('client classes: Windows/Mac are PC, iOS/Android mobile; same class above the low 4 bits', () => {
  assert.ok(isPc(WINDOWS) && isPc(MAC) && !isPc(IOS) && !isPc(ANDROID));
  assert.ok(isMobile(IOS) && isMobile(ANDROID) && !isMobile(WINDOWS));
  assert.ok(sameClass(WINDOWS, MAC));
  assert.ok(sameClass(IOS, ANDROID));
  assert.ok(!sameClass(WINDOWS, IOS));
  assert.ok(!sameClass(MAC, ANDROID));
});

test('handles are unique and never reused after a close', () => {
  const s = server();
  const seen = new Set<number>();
  for (let i = 0; i < 100; i++) {
    const c = s.newConn();
    assert.ok(!seen.has(c.handle), `handle ${c.handle} reused`);
    assert.ok(c.handle > 0);
    seen.add(c.handle);
    s.conns.delete(c.handle);
  }
});

test('a user exists while it has a logged-in connection and goes away with the last one', () => {
  const s = server();
  const a = loggedIn(s, 7, WINDOWS);
  const b = loggedIn(s, 7, ANDROID);
  assert.equal(s.users.get(7)?.conns.length, 2);
  assert.equal(s.users.findConn(7, a.handle), a);
  assert.equal(s.users.findConn(8, a.handle), undefined, 'a handle never matches another user');
  s.users.detach(a);
  assert.deepEqual(s.users.get(7)?.conns, [b]);
  s.users.detach(b);
  assert.equal(s.users.get(7), undefined);
  assert.equal(s.users.size, 0);
});

test('requester(): a reply reaches only the logged-in connection of the same user with that handle', () => {
  const s = server();
  const a = loggedIn(s, 1, WINDOWS);
  const ctx = Buffer.from([0, 0, 0, 1, 0, 0, 0, a.handle, 0, 0, 0, 0]);
  assert.equal(s.requester(1, ctx)?.conn, a);
  assert.equal(s.requester(2, ctx), undefined, 'other user id');
  assert.equal(s.requester(1, ctx.subarray(0, 8)), undefined, 'short context is unroutable, not an exception');
  assert.equal(s.requester(1, Buffer.alloc(0)), undefined, 'empty context');
  const b16 = Buffer.concat([ctx, Buffer.alloc(4)]);
  assert.equal(s.requester(1, b16)?.conn, a, '16-byte form with N = 0');
  a.open = false;
  assert.equal(s.requester(1, ctx), undefined, 'a connection that is not logged in gets nothing');
});

test('the PC login status starts at 0 (off), not the original 2', () => {
  const s = server();
  loggedIn(s, 3, ANDROID);
  assert.equal(s.users.get(3)?.pcLoginStatus, 0);
});
