import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IM } from '../../src/pdu/gen/im';
import { Cid } from '../../src/pdu/commands';
import { encodeBody } from '../../src/pdu/codec';
import { createTask, fileLogin, startFileServer } from './support/fileServer';

/**
 * A connection told its last word (a refused login, a FILE_STATE) gets that word and is closed at
 * once by the close itself, on either transport: the Ticker is stopped here, so a close that
 * waited for a tick or for a drain event that never comes would leave the connection open.
 */
test('a refused login and a FILE_STATE are answered and closed at once, without waiting for a tick', { timeout: 30_000 }, async () => {
  const fs = await startFileServer();
  try {
    fs.server.ticker.stop();
    const port = fs.server.ports.client!;
    const { taskId } = await createTask(fs.link, { from: 1, to: 2, name: 'f', size: 100, mode: 1 });
    const other = await createTask(fs.link, { from: 1, to: 2, name: 'g', size: 100, mode: 1 });

    const first = await fileLogin(port, 1, taskId, 1);
    assert.equal(first.result, 0);
    first.client.send(Cid.CID_FILE_LOGIN_REQ, encodeBody(IM.File.IMFileLoginReq, { userId: 1, taskId: other.taskId, fileRole: 1 }), { seq: 8 });
    const p = await first.client.next(Cid.CID_FILE_LOGIN_RES);
    assert.equal(IM.File.IMFileLoginRsp.decode(p.body).resultCode, 1, 'the refusal arrives before the close');
    await first.client.waitClosed(500);

    const sender = await fileLogin(port, 1, other.taskId, 1);
    const receiver = await fileLogin(port, 2, other.taskId, 2);
    await receiver.client.next(Cid.CID_FILE_STATE);
    receiver.client.send(Cid.CID_FILE_STATE, encodeBody(IM.File.IMFileState, { state: 1, taskId: other.taskId, userId: 2 }));
    const relayed = await sender.client.next(Cid.CID_FILE_STATE);
    assert.equal(IM.File.IMFileState.decode(relayed.body).state, 1, 'the cancel is relayed to the sender');
    await receiver.client.waitClosed(500);
    sender.client.close();
  } finally {
    await fs.stop();
  }
});
