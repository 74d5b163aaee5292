// servers.md §2.4 Rewrite: a missing or malformed routeserver.conf key stops start-up with an error
// naming the file and the key (the CLI turns it into exit code 2) instead of a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfError } from '../../src/conf/ConfFile';
import { start } from '../../src/servers/route';
import { writeTestConf } from '../helpers';

for (const [key, value, problem] of [
  ['ListenMsgPort', null, /ListenMsgPort/],
  ['ListenMsgPort', 'eighty', /ListenMsgPort/],
  ['ListenIP', null, /ListenIP/],
] as const) {
  test(`${key}=${String(value)} is refused with a ConfError naming the key`, async () => {
    const confPath = writeTestConf('route', { [key]: value });
    await assert.rejects(start({ confPath }), (e: unknown) => e instanceof ConfError && problem.test(e.message) && e.message.includes(confPath));
  });
}

test('a port already in use is a start-up error, not a crash', async () => {
  const first = await start({ confPath: writeTestConf('route') });
  try {
    await assert.rejects(start({ confPath: writeTestConf('route', { ListenMsgPort: first.ports['msg']! }) }));
  } finally {
    await first.stop();
  }
});
