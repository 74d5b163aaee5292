import type { Logger } from '../../../src/util/log';
import { resetDatabase, flushRedis } from '../../helpers';
import { TestSystem, RunningMsg } from '../../e2e/TestSystem';
import { DbRelay } from './DbRelay';

export interface BehindRelay {
  sys: TestSystem;
  relay: DbRelay;
  m: RunningMsg;
}

/**
 * The real system on clean data with one msg_server whose two db_proxy entries (slot 0 the login
 * pool, slot 1 the general pool, servers.md §1.10) both go through a DbRelay, so a test can hold
 * back db_proxy's replies or break a link. `log` receives msg_server's lines.
 */
export async function startBehindRelay(log: Logger): Promise<BehindRelay> {
  await resetDatabase();
  await flushRedis();
  const sys = await TestSystem.start({ msgServers: 0, msgLog: log });
  const relay = await new DbRelay(sys.dbPort).listen();
  const m = await sys.addMsgServer({ DBServerPort1: relay.port, DBServerPort2: relay.port });
  await sys.waitReady(m);
  return { sys, relay, m };
}
