import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { DEFAULT_AES_KEY } from '../../src/pdu/crypto';
import { BenchWorker } from '../../bench/suite/BenchWorker';
import { accountDeliveries } from '../../bench/suite/DeliveryAccount';
import { parsePayload } from '../../bench/suite/BenchConn';
import type { FromWorker, SendSpec, WorkerPlan, WorkerReport } from '../../bench/suite/types';
import { FakeMsgServer } from './FakeMsgServer';

function plan(port: number, sends: Array<SendSpec | undefined>, over: Partial<WorkerPlan> = {}): WorkerPlan {
  return {
    worker: 0, target: { kind: 'direct', host: '127.0.0.1', port }, password: 'pw',
    clientType: IM.BaseDefine.ClientType.CLIENT_TYPE_ANDROID, clientVersion: 'test', aesKey: DEFAULT_AES_KEY,
    loginRate: 0, loginConcurrency: 2, loginTimeoutMs: 5000, heartbeatMs: 30_000, ratePerSender: 20, window: 0,
    textBytes: 40, readAck: false,
    slots: sends.map((send, i) => ({ index: i, name: `u${String(i + 1).padStart(6, '0')}`, ...(send ? { send } : {}) })),
    ...over,
  };
}

/** Runs a worker in-process, collecting what it tells the parent. */
class Harness {
  readonly msgs: FromWorker[] = [];
  readonly worker: BenchWorker;
  private waiters: Array<() => void> = [];

  constructor(p: WorkerPlan) {
    this.worker = new BenchWorker(p, (m) => {
      this.msgs.push(m);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async next<K extends FromWorker['type']>(type: K, timeoutMs = 8000): Promise<Extract<FromWorker, { type: K }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.msgs.find((x) => x.type === type);
      if (m !== undefined) {
        this.msgs.splice(this.msgs.indexOf(m), 1);
        return m as Extract<FromWorker, { type: K }>;
      }
      if (Date.now() > deadline) throw new Error(`no '${type}' within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  ticks(): number {
    return this.msgs.filter((m) => m.type === 'tick').length;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('pairs log in, send encrypted messages, ack every delivery; a dropped and an undelivered message are caught', async () => {
  const srv = new FakeMsgServer('pw');
  await srv.listen();
  srv.dropNth.add(3);
  srv.undeliveredNth.add(5);
  const h = new Harness(plan(srv.port, [
    { kind: 'single', peerSlot: 1 }, { kind: 'single', peerSlot: 0 },
    { kind: 'single', peerSlot: 3 }, { kind: 'single', peerSlot: 2 },
  ]));
  try {
    h.worker.start();
    const li = await h.next('loggedIn');
    assert.equal(li.failed, 0);
    const uids = li.uids.sort((a, b) => a[0] - b[0]).map(([, u]) => u);
    assert.deepEqual(uids, [1001, 1002, 1003, 1004]);
    h.worker.go(uids, 600);
    await h.next('sendDone');
    await sleep(300);
    const report: WorkerReport = h.worker.report();
    const a = accountDeliveries([report]);
    assert.ok(a.sent >= 4 * 8, `about 20/s per sender for 0.6 s: ${a.sent}`);
    assert.equal(a.lost, 1, 'message 3 was never acked');
    assert.equal(a.ackedNotDelivered, 1, 'message 5 was acked but never delivered');
    assert.equal(a.acked, a.sent - 1);
    assert.equal(a.delivered, a.acked - 1);
    assert.equal(report.unacked, 1);

    // every delivery was acknowledged with the receiver's id, the sender as session, the msg id
    assert.equal(srv.deliveryAcks.length, a.delivered);
    for (const ack of srv.deliveryAcks) {
      assert.equal(ack.sessionType, IM.BaseDefine.SessionType.SESSION_TYPE_SINGLE);
      assert.ok([1001, 1002, 1003, 1004].includes(ack.userId));
      const peer = ack.userId % 2 === 1 ? ack.userId + 1 : ack.userId - 1;
      assert.equal(ack.sessionId, peer);
      assert.ok(ack.msgId > 0);
    }
    // msg_data was AES text the server could decrypt, carrying number and send time
    const p = parsePayload(srv.plaintexts[0]!);
    assert.ok(p !== undefined && p.n === 1 && Math.abs(p.sentAt - Date.now()) < 10_000);
    assert.equal(srv.plaintexts[0]!.length, 40);
  } finally {
    await h.worker.close(true);
    await srv.close();
  }
  // the books per second reached the parent, with the acks and deliveries
  const ticks = h.msgs.filter((m): m is Extract<FromWorker, { type: 'tick' }> => m.type === 'tick');
  const acked = ticks.reduce((k, t) => k + t.sample.counters.acked, 0);
  const delivered = ticks.reduce((k, t) => k + t.sample.counters.delivered, 0);
  assert.ok(acked > 0 && delivered > 0 && delivered === acked - 1);
  assert.ok(ticks.some((t) => t.sample.hist.ack.count > 0 && t.sample.hist.deliver.count > 0));
});

test('a group sender creates a temporary group with everyone in it; every other member gets every message', async () => {
  const srv = new FakeMsgServer('pw');
  await srv.listen();
  const h = new Harness(plan(srv.port, [{ kind: 'group', memberSlots: [0, 1, 2, 3], groupName: 'g' }, undefined, undefined, undefined], { ratePerSender: 10 }));
  try {
    h.worker.start();
    const li = await h.next('loggedIn');
    const uids = li.uids.sort((a, b) => a[0] - b[0]).map(([, u]) => u);
    h.worker.go(uids, 500);
    await h.next('sendDone');
    await sleep(200);
    const r = h.worker.report();
    assert.equal(r.groups.length, 1);
    assert.deepEqual([...r.groups[0]!.memberUids].sort(), [1001, 1002, 1003, 1004]);
    const a = accountDeliveries([r]);
    assert.ok(a.acked >= 3);
    assert.equal(a.expectedDeliveries, 3 * a.acked);
    assert.equal(a.delivered, 3 * a.acked);
    assert.equal(a.ackedNotDelivered, 0);
    assert.ok(srv.deliveryAcks.every((x) => x.sessionType === IM.BaseDefine.SessionType.SESSION_TYPE_GROUP && x.sessionId === r.groups[0]!.gid));
  } finally {
    await h.worker.close(false);
    await srv.close();
  }
});

test('a wrong password is a failed login with the server\'s reason; a quiet connection sends heartbeats', async () => {
  const srv = new FakeMsgServer('right');
  await srv.listen();
  const bad = new Harness(plan(srv.port, [undefined]));
  try {
    bad.worker.start();
    const li = await bad.next('loggedIn');
    assert.equal(li.failed, 1);
    assert.deepEqual(li.uids, []);
    assert.ok(Object.keys(li.reasons).some((k) => k.startsWith('login result 6')), JSON.stringify(li.reasons));
  } finally {
    await bad.worker.close(false);
  }
  const good = new Harness(plan(srv.port, [undefined], { password: 'right', heartbeatMs: 1000 }));
  try {
    good.worker.start();
    await good.next('loggedIn');
    await sleep(2300);
    assert.ok(srv.heartbeats >= 1, `heartbeats: ${srv.heartbeats}`);
    assert.ok(good.ticks() >= 2);
  } finally {
    await good.worker.close(true);
    await srv.close();
  }
});

test('logins respect the concurrency limit and a dead target fails fast', async () => {
  const h = new Harness(plan(1, [undefined, undefined, undefined], { loginConcurrency: 1 }));
  try {
    h.worker.start();
    const li = await h.next('loggedIn');
    assert.equal(li.failed, 3);
    assert.ok(Object.keys(li.reasons).some((k) => k.includes('ECONNREFUSED')), JSON.stringify(li.reasons));
  } finally {
    await h.worker.close(false);
  }
});
