import * as path from 'node:path';
import { ConfFile } from '../conf/ConfFile';

/** The addresses a person or a client needs, read from the conf files the servers run with. */
export function endpointLines(confDir: string, running: (name: string) => boolean): string[] {
  const conf = (f: string): ConfFile | undefined => {
    try {
      return ConfFile.load(path.join(confDir, f));
    } catch {
      return undefined;
    }
  };
  const host = (c: ConfFile, key: string): string => {
    const h = c.ipList(key)[0]!;
    return h === '0.0.0.0' ? '127.0.0.1' : h;
  };
  const lines: string[] = [];
  const add = (name: string, label: string, f: string, make: (c: ConfFile) => string): void => {
    const c = conf(f);
    if (!running(name) || c === undefined) return;
    try {
      lines.push(`  ${label.padEnd(24)} ${make(c)}`);
    } catch {
      // a malformed conf is reported by the server itself
    }
  };
  add('login', 'login_server (HTTP)', 'loginserver.conf', (c) => `http://${host(c, 'HttpListenIP')}:${c.port('HttpPort')}/msg_server`);
  add('msg', 'msg_server (clients)', 'msgserver.conf', (c) => `${host(c, 'ListenIP')}:${c.port('ListenPort')}`);
  add('http_msg', 'http_msg_server', 'httpmsgserver.conf', (c) => `http://${host(c, 'ListenIP')}:${c.port('ListenPort')}/query/`);
  add('msfs', 'msfs', 'msfs.conf', (c) => `http://${host(c, 'ListenIP')}:${c.port('ListenPort')}/`);
  add('file', 'file_server (clients)', 'fileserver.conf', (c) => `${host(c, 'ClientListenIP')}:${c.port('ClientListenPort')}`);
  return lines;
}
