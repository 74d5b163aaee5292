import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, makeTransport, until } from './support/transports';
import { EchoConn } from './support/EchoConn';
import { FrameClient } from './support/FrameClient';
import { ConnGroup } from '../../src/net/ConnGroup';
import { Ticker } from '../../src/net/Ticker';
import type { CloseReason } from '../../src/net/Transport';

for (const kind of KINDS) {
  describe(`ConnGroup over ${kind}`, () => {
    it('adopts accepted connections onto the ticker and drops them when they close, either side', async () => {
      const transport = makeTransport(kind);
      const ticker = new Ticker();
      const left: CloseReason[] = [];
      const group = new ConnGroup<EchoConn>(ticker, (_c, reason) => left.push(reason));
      const listener = await transport.listen('127.0.0.1', 0, (info) => group.adopt(new EchoConn(transport), info));
      const a = await FrameClient.connect(listener.port);
      const b = await FrameClient.connect(listener.port);
      try {
        await until(() => group.size === 2, 2000, 'two accepted');
        assert.equal(ticker.size, 2);
        const members = [...group];
        assert.ok(members.every((c) => c.id > 0 && c.peerIp === '127.0.0.1' && c.peerPort > 0));
        a.destroy();
        await until(() => group.size === 1, 2000, 'peer close leaves the group');
        assert.equal(ticker.size, 1);
        assert.deepEqual(left, ['peer']);
        group.closeAll();
        assert.equal(group.size, 0);
        assert.equal(ticker.size, 0);
        assert.deepEqual(left, ['peer', 'local']);
        await b.closedP;
      } finally {
        a.destroy(); b.destroy(); listener.close();
      }
    });
  });
}
