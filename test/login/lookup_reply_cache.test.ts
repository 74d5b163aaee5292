// login_server keeps the last lookup replies by (chosen msg_server's addresses and port, caller's
// address family, result code): the bytes must always equal a freshly built reply for the inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpOk, LookupReplies, msgServerJson } from '../../src/servers/login/httpReply';
import type { MsgServerRecord, Selection } from '../../src/servers/login/MsgServerRegistry';

const urls = { msfs: 'http://127.0.0.1:8700/', discovery: 'http://127.0.0.1/api/discovery' };

function record(ip1: string, ip2: string, port: number, cur = 0): MsgServerRecord {
  return { ip1, ip2, port, maxConnCnt: 100, curConnCnt: cur, hostName: 'h' };
}

test('each reply equals the reply built from scratch, whatever was asked before', () => {
  const replies = new LookupReplies(urls);
  const a = record('10.0.0.1', '10.0.0.2', 8000);
  const b = record('10.0.0.1', '10.0.0.2', 8001);
  const sels: Array<[Selection, string]> = [
    [{ code: 0, server: a }, '127.0.0.1'],
    [{ code: 0, server: a }, '127.0.0.9'],
    [{ code: 0, server: a }, '::1'],
    [{ code: 0, server: b }, '127.0.0.1'],
    [{ code: 0, server: record('10.0.0.2', '10.0.0.1', 8000) }, '127.0.0.1'],
    [{ code: 0, server: { ...a, curConnCnt: 99 } }, '127.0.0.1'],
    [{ code: 1 }, '127.0.0.1'],
    [{ code: 2 }, '::1'],
  ];
  for (let round = 0; round < 2; round++) {
    for (const [sel, peer] of sels) {
      assert.deepEqual(replies.reply(sel, peer), httpOk(msgServerJson(sel, peer, urls)), `${JSON.stringify(sel)} from ${peer}`);
    }
  }
  // A msg_server whose port changed (re-registered) is answered with the new port at once.
  a.port = 9000;
  assert.match(replies.reply({ code: 0, server: a }, '127.0.0.1').toString('utf8'), /"port" : "9000"/);
});
