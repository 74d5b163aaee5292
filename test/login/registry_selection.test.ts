// servers.md §3.2/§3.3: the msg_server registry and its exact selection rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MsgServerRegistry, MsgServerRecord } from '../../src/servers/login/MsgServerRegistry';

const rec = (port: number, cur: number, max = 100): MsgServerRecord => ({ ip1: `10.0.0.${port % 250}`, ip2: '10.1.1.1', port, maxConnCnt: max, curConnCnt: cur, hostName: `h${port}` });
const chosen = (r: MsgServerRegistry<string>): number | string => { const s = r.select(); return s.code === 0 ? s.server.port : `code ${s.code}`; };

test('empty registry: code 1 (no msg_server)', () => {
  assert.deepEqual(new MsgServerRegistry<string>().select(), { code: 1 });
});

test('the strictly smallest current count wins; ties go to the oldest link', () => {
  const r = new MsgServerRegistry<string>();
  r.register('c', 3, rec(8003, 5));
  r.register('a', 1, rec(8001, 7));
  r.register('b', 2, rec(8002, 5));
  assert.equal(chosen(r), 8002, 'b and c tie at 5; b was accepted first');
  r.adjust('b', 1);
  assert.equal(chosen(r), 8003);
  r.adjust('a', 2); r.adjust('a', 2);
  assert.equal(chosen(r), 8001, 'a (now 5) ties with c (5) and was accepted earlier');
});

test('records at or above their maximum are skipped; all full gives code 2', () => {
  const r = new MsgServerRegistry<string>();
  r.register('a', 1, rec(8001, 0, 0));
  r.register('b', 2, rec(8002, 3, 3));
  assert.deepEqual(r.select(), { code: 2 });
  r.register('c', 3, rec(8003, 50, 51));
  assert.equal(chosen(r), 8003, 'a busier server below its maximum beats emptier full ones');
  r.adjust('c', 1);
  assert.deepEqual(r.select(), { code: 2 });
  r.adjust('b', 2);
  assert.equal(chosen(r), 8002);
});

test('count updates: 1 increments, 2 decrements, never below zero; unknown actions and unregistered links are ignored', () => {
  const r = new MsgServerRegistry<string>();
  assert.equal(r.adjust('nobody', 1), false);
  r.register('a', 1, rec(8001, 1));
  assert.equal(r.adjust('a', 2), true);
  assert.equal(r.adjust('a', 2), true);
  assert.equal(r.get('a')!.curConnCnt, 0, 'no unsigned wrap-around');
  assert.equal(r.total, 0);
  assert.equal(r.adjust('a', 7), false);
  assert.equal(r.get('a')!.curConnCnt, 0);
  r.adjust('a', 1); r.adjust('a', 1);
  assert.equal(r.get('a')!.curConnCnt, 2);
  assert.equal(r.total, 2);
});

test('a second registration on the same link replaces the record instead of leaking one', () => {
  const r = new MsgServerRegistry<string>();
  r.register('a', 1, rec(8001, 4));
  r.register('b', 2, rec(8002, 4));
  r.register('a', 1, rec(8011, 9));
  assert.equal(r.size, 2);
  assert.equal(r.total, 13);
  assert.equal(chosen(r), 8002);
  r.register('b', 2, rec(8002, 9));
  assert.equal(chosen(r), 8011, 'tie at 9: a keeps its original (older) position');
});

test('unregistering removes the record and its count at once', () => {
  const r = new MsgServerRegistry<string>();
  r.register('a', 1, rec(8001, 1));
  r.register('b', 2, rec(8002, 2));
  assert.equal(r.unregister('a')?.port, 8001);
  assert.equal(r.total, 2);
  assert.equal(chosen(r), 8002);
  assert.equal(r.unregister('a'), undefined);
  r.unregister('b');
  assert.deepEqual(r.select(), { code: 1 });
});
