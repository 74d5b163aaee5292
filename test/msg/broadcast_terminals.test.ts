// The presence fan-out walks msg_server's dense terminal list: after any mix of logins and closes it
// must reach exactly the logged-in, not kicked connections (PC only for status notifies), each once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { NetTransport } from '../../src/net/NetTransport';
import { Ticker } from '../../src/net/Ticker';
import { childLog } from '../../src/util/log';
import { MsgCipher } from '../../src/pdu/crypto';
import { MsgServer } from '../../src/servers/msg/MsgServer';
import type { MsgConfig } from '../../src/servers/msg/MsgConfig';
import type { MsgConn } from '../../src/servers/msg/MsgConn';
import { encodeFrame } from '../../src/pdu/Pdu';

const WINDOWS = 0x01, ANDROID = 0x12;
const transport = new NetTransport();
const sockets: net.Socket[] = [];
after(() => { for (const s of sockets) s.destroy(); });

test('broadcasts reach every current terminal once, after logins and closes in any order', async () => {
  const conf = { loginDeadlineMs: 15_000, msgRateLimit: 20, aesKey: '12345678901234567890123456789012' } as MsgConfig;
  const s = new MsgServer(conf, transport, childLog({ test: 'broadcast_terminals' }), new Ticker(), new MsgCipher());
  const noLink = { sendAll: () => 0 };
  s.links = { login: noLink, route: noLink } as unknown as MsgServer['links'];

  // Real sockets: each accepted connection becomes a MsgConn; the client side counts frames.
  const received = new Map<number, number>(); // handle -> bytes received
  const conns: MsgConn[] = [];
  const listener = await transport.listen('127.0.0.1', 0, (info) => {
    const c = s.newConn();
    c.id = info.id; c.peerIp = info.peerIp; c.peerPort = info.peerPort;
    conns.push(c);
    return c;
  });
  try {
    const N = 12;
    for (let i = 0; i < N; i++) {
      const sock = net.connect(listener.port, '127.0.0.1');
      sockets.push(sock);
      await new Promise<void>((r) => sock.once('connect', () => r()));
    }
    while (conns.length < N) await new Promise((r) => setTimeout(r, 5));
    const sockByConn = new Map<MsgConn, net.Socket>();
    // Accept order equals connect order here (one at a time).
    conns.forEach((c, i) => {
      sockByConn.set(c, sockets[i]!);
      sockets[i]!.on('data', (d: Buffer) => received.set(c.handle, (received.get(c.handle) ?? 0) + d.length));
    });

    conns.forEach((c, i) => { c.setClientType(i % 3 === 0 ? ANDROID : WINDOWS); s.goOnline(c, 100 + (i % 5)); });
    assert.equal(s.loggedIn, N);
    // Close some from the middle, the end and the start; kick one; one never logged in stays out.
    for (const i of [5, N - 1, 0, 7]) conns[i]!.close();
    s.kick(conns[2]!, 1);
    await new Promise((r) => setTimeout(r, 100)); // let the kick PDU arrive before counting
    const frame = encodeFrame(0x0204, Buffer.from([8, 1]));
    received.clear();
    const sentPc = s.sendToEveryone(frame, true);
    const sentAll = s.sendToEveryone(frame, false);

    const live = conns.filter((c, i) => ![5, N - 1, 0, 7, 2].includes(i));
    assert.equal(s.loggedIn, N - 4);
    const pc = live.filter((c) => (c.clientType & 0x10) === 0);
    assert.equal(sentPc, pc.length);
    assert.equal(sentAll, live.length);
    await new Promise((r) => setTimeout(r, 100));
    for (const c of conns) {
      const want = live.includes(c) ? frame.length * (pc.includes(c) ? 2 : 1) : 0;
      assert.equal(received.get(c.handle) ?? 0, want, `conn ${c.handle}`);
    }
  } finally {
    listener.close();
    for (const c of conns) c.close();
  }
});
