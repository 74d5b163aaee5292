// A reply whose link closed before the worker answered is dropped with one log line naming that
// link (db_proxy.md §2.3), and nothing else happens: no crash, no reply on another link, and the
// server keeps answering.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { encodeFrame } from '../../src/pdu/Pdu';
import { encodeBody } from '../../src/pdu/codec';
import { captureLog, until } from '../net/support/transports';
import { startDbProxy, Harness } from './support/harness';
import { LinkClient } from './support/LinkClient';
import { unreadCount } from './support/requests';

const cap = captureLog();
let h: Harness;
before(async () => { h = await startDbProxy({ ThreadNum: 1 }, { log: cap.log }); });
after(async () => { await h.close(); });

/** The server's connection id of a test link: from its 'link accepted' line (peer = our local port). */
async function serverConnId(link: LinkClient): Promise<number> {
  const peer = `127.0.0.1:${link.socket.localPort}`;
  let id: number | undefined;
  await until(() => {
    id = cap.lines.find((l) => l.msg === 'link accepted' && l.peer === peer)?.conn as number | undefined;
    return id !== undefined;
  }, 3000, `'link accepted' for ${peer}`);
  return id!;
}

const dropped = (): Array<Record<string, unknown>> => cap.lines.filter((l) => String(l.msg).startsWith('reply dropped'));

test('replies whose link closed meanwhile are dropped with one log line each, naming that link; the server keeps answering', async () => {
  const gone = await h.connect();
  const goneId = await serverConnId(gone);
  const other = await h.connect();
  // The doomed link sends a user-info request for 1e6 ids (the one worker needs a while to decode
  // and answer it), then a small request on the same work key (user 1), which waits behind it, and
  // closes its side once both are sent. The server reads both and the close long before the worker
  // is done, so both answers certainly find the link gone (no race with the close).
  const big = encodeFrame(Cid.CID_BUDDY_LIST_USER_INFO_REQUEST,
    encodeBody(IM.Buddy.IMUsersInfoReq, { userId: 1, userIdList: Array.from({ length: 1_000_000 }, (_, i) => i + 1) }), { seq: 1 });
  gone.sendRaw(big);
  gone.send(Cid.CID_MSG_UNREAD_CNT_REQUEST, IM.Message.IMUnreadMsgCntReq, { userId: 1 }, 5);
  gone.socket.end(); // after the queued bytes are flushed (destroy() could drop them)
  assert.ok(await gone.waitClosed(5000), 'the server closed the link');
  await until(() => dropped().length >= 2, 10_000, "two 'reply dropped' lines");
  // Anything still in flight has been answered by now: the next request on the same key is.
  assert.equal((await unreadCount(other, 1)).userId, 1);
  const lines = dropped();
  assert.equal(lines.length, 2, `one line per lost answer: ${JSON.stringify(lines)}`);
  assert.deepEqual(lines.map((l) => l.conn), [goneId, goneId], 'each line names the closed link');
  assert.deepEqual(lines.map((l) => l.cid), [Cid.CID_BUDDY_LIST_USER_INFO_REQUEST, Cid.CID_MSG_UNREAD_CNT_REQUEST], 'and the request whose answer was lost, in order');
  assert.equal(gone.frames.length, 0, 'the doomed link got no answer');
  assert.equal(other.frames.length, 0, 'the lost answers did not go to another link');
  await unreadCount(h.link, 2);
});
