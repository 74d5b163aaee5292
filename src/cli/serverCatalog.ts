import * as fs from 'node:fs';
import * as path from 'node:path';

/** What the CLI knows about each server: its folder, conf file, and the port that proves it is up. */
export interface ServerInfo {
  /** folder under src/servers and the `tt <name>` command */
  name: string;
  /** the original binary's name, accepted as an alias (`tt msg_server`) */
  original: string;
  confFile: string;
  /** conf keys of the listen address and of the port that is open once the server is ready */
  readyHostKey: string;
  readyPortKey: string;
}

/** In dependency order: the supervisor starts them top to bottom and stops them bottom to top. */
export const SERVERS: readonly ServerInfo[] = [
  { name: 'db_proxy', original: 'db_proxy_server', confFile: 'dbproxyserver.conf', readyHostKey: 'ListenIP', readyPortKey: 'ListenPort' },
  { name: 'route', original: 'route_server', confFile: 'routeserver.conf', readyHostKey: 'ListenIP', readyPortKey: 'ListenMsgPort' },
  { name: 'login', original: 'login_server', confFile: 'loginserver.conf', readyHostKey: 'HttpListenIP', readyPortKey: 'HttpPort' },
  { name: 'msg', original: 'msg_server', confFile: 'msgserver.conf', readyHostKey: 'ListenIP', readyPortKey: 'ListenPort' },
  { name: 'file', original: 'file_server', confFile: 'fileserver.conf', readyHostKey: 'ClientListenIP', readyPortKey: 'ClientListenPort' },
  { name: 'msfs', original: 'msfs', confFile: 'msfs.conf', readyHostKey: 'ListenIP', readyPortKey: 'ListenPort' },
  { name: 'http_msg', original: 'http_msg_server', confFile: 'httpmsgserver.conf', readyHostKey: 'ListenIP', readyPortKey: 'ListenPort' },
  { name: 'push', original: 'push_server', confFile: 'pushserver.conf', readyHostKey: 'ListenIP', readyPortKey: 'ListenPort' },
];

export function findServer(name: string): ServerInfo | undefined {
  return SERVERS.find((s) => s.name === name || s.original === name);
}

/**
 * Where the compiled server modules are: dist/src/servers next to this file, or TT_SERVER_MODULE_DIR
 * (tests point it at small stand-in servers to exercise the CLI before the real ones exist).
 */
export function serverModuleDir(): string {
  return process.env.TT_SERVER_MODULE_DIR ?? path.resolve(__dirname, '..', 'servers');
}

export function serverModulePath(s: ServerInfo): string {
  return path.join(serverModuleDir(), s.name, 'index.js');
}

export function serverBuilt(s: ServerInfo): boolean {
  return fs.existsSync(serverModulePath(s));
}
