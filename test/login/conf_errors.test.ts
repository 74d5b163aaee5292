// servers.md §2.2 Rewrite: every loginserver.conf key is required; a missing one stops start-up with
// a ConfError naming the file and the key (the original crashed on some of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfError } from '../../src/conf/ConfFile';
import { start } from '../../src/servers/login';
import { writeTestConf } from '../helpers';

for (const key of ['ClientListenIP', 'ClientPort', 'HttpListenIP', 'HttpPort', 'MsgServerListenIP', 'MsgServerPort', 'msfs', 'discovery']) {
  test(`a missing ${key} is refused with a ConfError naming it`, async () => {
    const confPath = writeTestConf('login', { [key]: null });
    await assert.rejects(start({ confPath }), (e: unknown) => e instanceof ConfError && e.message.includes(key) && e.message.includes(confPath));
  });
}

test('a port already in use is a start-up error, not a crash', async () => {
  const first = await start({ confPath: writeTestConf('login') });
  try {
    const confPath = writeTestConf('login', { HttpPort: first.ports['http']! });
    await assert.rejects(start({ confPath }));
  } finally {
    await first.stop();
  }
});
