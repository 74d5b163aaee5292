// edge.md §1.13: a file client is closed after 120 s without a received byte, a msg_server link after
// 30 s. Driven through the server's own Ticker with a clock pushed past each timeout, so the test
// takes no minutes. An idle uploader mid-file loses its task and its partial file; an idle online
// sender frees its task too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../src/pdu/codec';
import { nowMs } from '../../src/util/clock';
import { captureLog } from '../net/support/transports';
import { createTask, eventually, fileLogin, startFileServer, storedFiles } from './support/fileServer';

const SENDER = 1;
const RECEIVER = 2;
const SEGMENT = 32768;
const CLIENT_IDLE_MS = 120_000;
const LINK_IDLE_MS = 30_000;

test('idle timeouts: the msg_server link goes after 30 s, an idle client after 120 s, and the client\'s task and partial file go with it', { timeout: 20_000 }, async () => {
  const cap = captureLog();
  const srv = await startFileServer({}, { log: cap.log });
  try {
    // An offline upload stalled after its first segment: state 8, a .part file on disk.
    const off = await createTask(srv.link, { from: SENDER, to: RECEIVER, name: 'stalled.bin', size: 3 * SEGMENT, mode: 2 });
    const up = await fileLogin(srv.server.ports.client!, SENDER, off.taskId, 3);
    assert.equal(up.result, 0);
    const pull = decodeBody(IM.File.IMFilePullDataReq, (await up.client.next(Cid.CID_FILE_PULL_DATA_REQ)).body);
    up.client.send(Cid.CID_FILE_PULL_DATA_RSP, encodeBody(IM.File.IMFilePullDataRsp, {
      resultCode: 0, taskId: off.taskId, userId: SENDER, offset: pull.offset, fileData: Buffer.alloc(SEGMENT, 7),
    }));
    await up.client.next(Cid.CID_FILE_PULL_DATA_REQ); // segment stored; the uploader now goes quiet
    assert.equal(storedFiles(srv.storeDir).filter((f) => f.path.endsWith('.part')).length, 1);

    // An online sender waiting for a receiver who never comes.
    const on = await createTask(srv.link, { from: SENDER, to: RECEIVER, name: 'live.bin', size: 10, mode: 1 });
    const sender = await fileLogin(srv.server.ports.client!, SENDER, on.taskId, 1);
    assert.equal(sender.result, 0);
    assert.equal(srv.server.ctx.tasks.size, 2);

    const t0 = nowMs();
    // Just inside both timeouts: nothing happens.
    srv.server.ticker.tick(t0 + LINK_IDLE_MS - 1000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(srv.link.closed, false);

    // Past the link's 30 s: the link goes, the clients (120 s) stay.
    srv.server.ticker.tick(t0 + LINK_IDLE_MS + 1);
    await srv.link.waitClosed();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(up.client.closed, false);
    assert.equal(sender.client.closed, false);
    assert.equal(srv.server.ctx.tasks.size, 2);

    // Past the clients' 120 s: both are closed and their tasks and the partial file freed.
    srv.server.ticker.tick(t0 + CLIENT_IDLE_MS + 1);
    await up.client.waitClosed();
    await sender.client.waitClosed();
    await eventually(() => srv.server.ctx.tasks.size === 0, 'both tasks are freed');
    await eventually(() => storedFiles(srv.storeDir).length === 0, 'the partial file is deleted');
    assert.equal(cap.lines.filter((l) => l.msg === 'timeout: nothing received; closing').length, 3, 'one log line per closed connection');
  } finally {
    await srv.stop();
  }
});
