import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, captureLog, makeTransport, until } from './support/transports';
import { CID_ECHO, startEchoServer } from './support/EchoConn';
import { FrameClient, frame } from './support/FrameClient';

function header(length: number, cid = CID_ECHO): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0); b.writeUInt16BE(1, 4); b.writeUInt16BE(cid >> 8, 8); b.writeUInt16BE(cid, 10);
  return b;
}

const CASES: Array<[string, Buffer, string]> = [
  ['garbage bytes', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'length-too-large'],
  ['a length below 16', header(3), 'length-too-small'],
  ['a length of 0', header(0), 'length-too-small'],
  ['a frame over the maximum', header(64 * 1024 + 1), 'length-too-large'],
];

for (const kind of KINDS) {
  describe(`bad frames over ${kind}`, () => {
    for (const [what, bytes, reason] of CASES) {
      it(`${what}: closes only that connection, with a log line`, async () => {
        const { log, lines } = captureLog();
        const srv = await startEchoServer(makeTransport(kind), { log, maxPduLength: 64 * 1024 });
        const good = await FrameClient.connect(srv.port);
        const bad = await FrameClient.connect(srv.port);
        try {
          good.send(frame(CID_ECHO, 'before', 1));
          await good.waitFrames(1);
          // A valid frame first: the bad bytes come behind it in the same read.
          bad.send(Buffer.concat([frame(CID_ECHO, 'ok', 5), bytes]));
          await bad.closedP;
          assert.equal(bad.frames.length, 1, 'the valid frame before the garbage is still answered');
          const line = lines.find((l) => l.msg === 'bad frame; closing connection');
          assert.ok(line, 'a log line names the closed connection');
          assert.equal(line.reason, reason);
          await until(() => srv.conns.filter((c) => c.closed).length === 1, 2000, 'server-side close');
          good.send(frame(CID_ECHO, 'after', 2));
          const r = await good.waitFrames(2);
          assert.equal(r[1]!.subarray(16).toString(), 'after');
          assert.equal(good.closed, false);
        } finally {
          good.destroy(); bad.destroy(); srv.close();
        }
      });
    }
  });
}
