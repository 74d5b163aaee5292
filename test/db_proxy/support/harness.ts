import { start, RunningServer } from '../../../src/servers/db_proxy';
import { NetTransport } from '../../../src/net/NetTransport';
import { flushRedis, resetDatabase, writeTestConf } from '../../helpers';
import type { ConfOverrides } from '../../helpers';
import type { Logger } from '../../../src/util/log';
import { LinkClient } from './LinkClient';

export interface Harness {
  server: RunningServer;
  port: number;
  link: LinkClient;
  /** Another link to the same server. */
  connect(): Promise<LinkClient>;
  close(): Promise<void>;
}

/**
 * db_proxy on the test database: demo data, flushed Redis, listening on port 0, one link open.
 * Two workers by default so that key routing across threads is exercised.
 */
export async function startDbProxy(overrides: ConfOverrides = {}, opts: { reset?: boolean; log?: Logger } = {}): Promise<Harness> {
  if (opts.reset !== false) {
    await resetDatabase();
    await flushRedis();
  }
  const confPath = writeTestConf('db_proxy', { ThreadNum: 2, ...overrides });
  const server = await start({ confPath, transport: new NetTransport(), log: opts.log });
  const port = server.ports.ListenPort!;
  const links: LinkClient[] = [];
  const connect = async (): Promise<LinkClient> => {
    const l = await LinkClient.connect(port);
    links.push(l);
    return l;
  };
  const link = await connect();
  return {
    server, port, link, connect,
    close: async () => {
      for (const l of links) l.close();
      await server.stop();
    },
  };
}
