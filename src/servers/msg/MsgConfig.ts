import { ConfFile, Endpoint } from '../../conf/ConfFile';
import { DEFAULT_RELAY_LIMITS, RelayQueueLimits } from '../../links/RelayQueue';

/** msgserver.conf (servers.md §2.3), checked in the original's order. */
export interface MsgConfig {
  path: string;
  listenIps: string[];
  listenPort: number;
  ipAddr1: string;
  ipAddr2: string;
  maxConnCnt: number;
  aesKey: string;
  dbLinksPerInstance: number;
  dbServers: Endpoint[];
  loginServers: Endpoint[];
  routeServers: Endpoint[];
  pushServers: Endpoint[];
  fileServers: Endpoint[];
  /** Not in the original (fixed 15 s there); tests shorten it. */
  loginDeadlineMs: number;
  /** CID_MSG_DATA per connection per second (fixed 20 in the original). */
  msgRateLimit: number;
  /** Not in the original (servers.md §1.11 Rewrite): client connections accepted at most; 0 = no cap. */
  maxClientConns: number;
  /**
   * Not in the original (servers.md §6.6 Rewrite): how long a request forwarded to db_proxy waits
   * for its reply before the client gets a failure reply. Longer than db_proxy's own statement
   * timeouts (MySQL 10 s, Redis 3 s) so a slow but working db_proxy still answers first.
   */
  dbRequestTimeoutMs: number;
  /**
   * Not in the original (servers.md §6.6 item 6 Rewrite): the queue of route relays kept while
   * there is no master route link (RouteRelayQueueFrames, RouteRelayQueueBytes, RouteRelayMaxAgeMs)
   * and how long a new master is up before the queue goes out (RouteRelayFlushDelayMs); a master
   * silent for RouteMasterQuietMs counts as none (RouteLink relayQueue.quietAfterMs).
   */
  routeRelay: RelayQueueLimits & { flushDelayMs: number; quietAfterMs: number };
}

export function readMsgConfig(path: string): MsgConfig {
  const conf = ConfFile.load(path);
  const aesKey = conf.str('aesKey');
  if (Buffer.byteLength(aesKey) !== 32) throw conf.error('aesKey', 'must be exactly 32 characters (AES-256 key)');
  const dbServers = conf.endpoints('DBServerIP', 'DBServerPort');
  if (dbServers.length < 2) {
    throw conf.error('DBServerIP2', `at least two db_proxy entries are required (found ${dbServers.length}); they may name the same db_proxy`);
  }
  const dbLinksPerInstance = conf.optInt('ConcurrentDBConnCnt', 10);
  // Original bug: 0 crashed with a division by zero.
  if (dbLinksPerInstance < 1 || dbLinksPerInstance > 256) throw conf.error('ConcurrentDBConnCnt', 'must be 1..256');
  const ipAddr1 = conf.str('IpAddr1');
  const maxClientConns = conf.optInt('MaxClientConns', 0);
  if (maxClientConns < 0) throw conf.error('MaxClientConns', 'must be 0 (no limit) or a positive number of connections');
  const dbRequestTimeoutMs = conf.optInt('DbRequestTimeoutMs', 15_000);
  if (dbRequestTimeoutMs < 1) throw conf.error('DbRequestTimeoutMs', 'must be a positive number of milliseconds');
  const routeRelay = {
    maxFrames: conf.optInt('RouteRelayQueueFrames', DEFAULT_RELAY_LIMITS.maxFrames),
    maxBytes: conf.optInt('RouteRelayQueueBytes', DEFAULT_RELAY_LIMITS.maxBytes),
    maxAgeMs: conf.optInt('RouteRelayMaxAgeMs', DEFAULT_RELAY_LIMITS.maxAgeMs),
    flushDelayMs: conf.optInt('RouteRelayFlushDelayMs', 2000),
    // Over two of route_server's 5 s heartbeat periods (a tick of slack each): never a live link.
    quietAfterMs: conf.optInt('RouteMasterQuietMs', 12_000),
  };
  // 0 frames/bytes/age would be "no queue": say so by configuration error rather than silently.
  if (routeRelay.maxFrames < 1) throw conf.error('RouteRelayQueueFrames', 'must be a positive number of frames');
  if (routeRelay.maxBytes < 1) throw conf.error('RouteRelayQueueBytes', 'must be a positive number of bytes');
  if (routeRelay.maxAgeMs < 1) throw conf.error('RouteRelayMaxAgeMs', 'must be a positive number of milliseconds');
  if (routeRelay.flushDelayMs < 0) throw conf.error('RouteRelayFlushDelayMs', 'must be 0 or a positive number of milliseconds');
  if (routeRelay.quietAfterMs !== 0 && routeRelay.quietAfterMs < 6000) {
    throw conf.error('RouteMasterQuietMs', 'must be 0 (off) or at least 6000: route_server heartbeats only every 5 s');
  }
  return {
    path,
    listenIps: conf.ipList('ListenIP'),
    listenPort: conf.port('ListenPort'),
    ipAddr1,
    ipAddr2: conf.optStr('IpAddr2', ipAddr1),
    maxConnCnt: conf.int('MaxConnCnt'),
    aesKey,
    dbLinksPerInstance,
    dbServers,
    loginServers: conf.endpoints('LoginServerIP', 'LoginServerPort'),
    routeServers: conf.endpoints('RouteServerIP', 'RouteServerPort'),
    pushServers: conf.endpoints('PushServerIP', 'PushServerPort'),
    fileServers: conf.endpoints('FileServerIP', 'FileServerPort'),
    loginDeadlineMs: conf.optInt('LoginDeadlineMs', 15_000),
    msgRateLimit: conf.optInt('MsgRateLimit', 20),
    maxClientConns,
    dbRequestTimeoutMs,
    routeRelay,
  };
}
