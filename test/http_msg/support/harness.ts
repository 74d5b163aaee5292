import { start, type HttpMsgServer } from '../../../src/servers/http_msg';
import { writeTestConf, type ConfOverrides } from '../../helpers/writeTestConf';
import type { Logger } from '../../../src/util/log';
import { FakePeer, until } from './FakePeer';

export const APP_KEY = 'test-app';
export const APP_SECRET = 'test-secret-0123456789abcdef';

export interface Rig {
  server: HttpMsgServer;
  port: number;
  db: FakePeer;
  route: FakePeer;
  stop(): Promise<void>;
}

/**
 * http_msg_server linked to a fake db_proxy and a fake route_server (one link each), with the
 * links up before the test starts.
 */
export async function startRig(overrides: ConfOverrides = {}, opts: { log?: Logger } = {}): Promise<Rig> {
  const db = await new FakePeer().listen();
  const route = await new FakePeer().listen();
  const confPath = writeTestConf('http_msg', {
    ConcurrentDBConnCnt: 1,
    DBServerIP1: '127.0.0.1', DBServerPort1: db.port, DBServerIP2: null, DBServerPort2: null,
    RouteServerIP1: '127.0.0.1', RouteServerPort1: route.port,
    ...overrides,
  });
  const server = await start({ confPath, ...(opts.log ? { log: opts.log } : {}) });
  await until(() => server.db.hasOpen() && server.route.master !== undefined, 3000, 'links up');
  return {
    server, port: server.ports.http!, db, route,
    async stop() {
      await server.stop();
      await db.close();
      await route.close();
    },
  };
}
