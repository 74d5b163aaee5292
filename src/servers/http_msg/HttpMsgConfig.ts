import type { ConfFile, Endpoint } from '../../conf/ConfFile';

/**
 * httpmsgserver.conf (edge.md §3.2) plus the rewrite's optional keys (docs/http_msg_server.md).
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `AppKey`, `AppSecret` | (none) | the one app allowed to call; requests must carry `app_key` and an HMAC signature (QueryAuth) |
 * | `AllowedIPs` | (any) | `;`-separated peer addresses allowed to call; others get code 6 |
 * | `AuthMaxSkewSec` | 300 | accepted clock difference of `X-TT-Timestamp` |
 * | `MaxRequestBytes` | 65536 | largest request body (413 + code 1 above it) |
 * | `MaxMemberCount` | 1000 | longest `user_id_list` (code 1 above it) |
 * | `DbReplyTimeoutMs` | 10000 | db_proxy silence is answered with code 10 after this long |
 * | `HeadersTimeoutMs` | 10000 | the request head must arrive within this time (408) |
 * | `IdleTimeoutMs` | 60000 | a connection with nothing received for this long is closed (the original's 60 s) |
 *
 * Without AppKey/AppSecret the server behaves like the original (no credentials) but answers only
 * peers on the loopback network; see QueryAuth.
 */
export interface HttpMsgConfig {
  listenIps: string[];
  listenPort: number;
  dbLinksPerInstance: number;
  dbInstances: Endpoint[];
  routeServers: Endpoint[];
  appKey: string | undefined;
  appSecret: string | undefined;
  allowedIps: string[] | undefined;
  authMaxSkewSec: number;
  maxRequestBytes: number;
  maxMemberCount: number;
  dbReplyTimeoutMs: number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

export function readHttpMsgConfig(conf: ConfFile): HttpMsgConfig {
  const atLeast = (key: string, def: number, min: number): number => {
    const v = conf.optInt(key, def);
    if (v < min) throw conf.error(key, `must be at least ${min}, got ${v}`);
    return v;
  };
  const appKey = conf.raw('AppKey');
  const appSecret = conf.raw('AppSecret');
  if ((appKey === undefined) !== (appSecret === undefined)) {
    throw conf.error(appKey === undefined ? 'AppKey' : 'AppSecret', 'AppKey and AppSecret must be set together');
  }
  if (appSecret !== undefined && appSecret.length < 16) throw conf.error('AppSecret', 'must be at least 16 characters');
  const idleTimeoutMs = atLeast('IdleTimeoutMs', 60_000, 1000);
  const dbReplyTimeoutMs = atLeast('DbReplyTimeoutMs', 10_000, 100);
  if (dbReplyTimeoutMs >= idleTimeoutMs) throw conf.error('DbReplyTimeoutMs', 'must be below IdleTimeoutMs so the caller always gets an answer');

  return {
    listenIps: conf.ipList('ListenIP'),
    listenPort: conf.port('ListenPort'),
    // Original bug: 0 crashed (division by zero); missing means 2.
    dbLinksPerInstance: atLeast('ConcurrentDBConnCnt', 2, 1),
    // Rewrite: one configured db_proxy is enough (the original exited unless there were two).
    dbInstances: conf.endpoints('DBServerIP', 'DBServerPort'),
    routeServers: conf.endpoints('RouteServerIP', 'RouteServerPort'),
    appKey,
    appSecret,
    allowedIps: conf.has('AllowedIPs') ? conf.ipList('AllowedIPs') : undefined,
    authMaxSkewSec: atLeast('AuthMaxSkewSec', 300, 1),
    maxRequestBytes: atLeast('MaxRequestBytes', 64 * 1024, 256),
    maxMemberCount: atLeast('MaxMemberCount', 1000, 1),
    dbReplyTimeoutMs,
    headersTimeoutMs: atLeast('HeadersTimeoutMs', 10_000, 100),
    idleTimeoutMs,
  };
}
