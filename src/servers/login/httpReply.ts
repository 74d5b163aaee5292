import type { Selection } from './MsgServerRegistry';

/** The two URLs loginserver.conf hands to clients unchanged (servers.md §2.2). */
export interface ClientUrls {
  msfs: string;
  discovery: string;
}

const MSG_NO_MSG_SERVER = '没有msg_server';
const MSG_OVERLOADED = '负载过高';

/**
 * The JSON body of protocol.md §5, as the original's jsoncpp StyledWriter wrote it: keys in byte
 * order, three-space indent, `" : "`, a final newline; `port` is a string. Address order: an IPv4
 * caller (four dot-separated parts) gets ip1 first, anything else ip2 first (the original's
 * never-finished ISP choice, kept because it is observable).
 */
export function msgServerJson(sel: Selection, peerIp: string, urls: ClientUrls): string {
  if (sel.code === 1) return styledJson({ code: 1, msg: MSG_NO_MSG_SERVER });
  if (sel.code === 2) return styledJson({ code: 2, msg: MSG_OVERLOADED });
  const s = sel.server;
  const ipv4 = peerIp.split('.').length === 4;
  return styledJson({
    backupIP: ipv4 ? s.ip2 : s.ip1,
    code: 0,
    discovery: urls.discovery,
    msfsBackup: urls.msfs,
    msfsPrior: urls.msfs,
    msg: '',
    port: String(s.port),
    priorIP: ipv4 ? s.ip1 : s.ip2,
  });
}

/**
 * The whole lookup reply (headers + JSON) for one selection. A login storm asks the same question
 * thousands of times a second and the answer only changes when the chosen msg_server, its
 * addresses or the caller's address family change, so the last few replies are kept by exactly
 * those inputs (the current counts are not part of the reply).
 */
export class LookupReplies {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly urls: ClientUrls) {}

  reply(sel: Selection, peerIp: string): Buffer {
    const ipv4 = peerIp.split('.').length === 4;
    const key = sel.code === 0 ? `0\u0000${ipv4 ? 4 : 6}\u0000${sel.server.ip1}\u0000${sel.server.ip2}\u0000${sel.server.port}` : String(sel.code);
    let bytes = this.cache.get(key);
    if (bytes === undefined) {
      bytes = httpOk(msgServerJson(sel, peerIp, this.urls));
      // A handful of msg_servers x two address families; a bound keeps odd registries from growing it.
      if (this.cache.size >= 64) this.cache.clear();
      this.cache.set(key, bytes);
    }
    return bytes;
  }
}

/**
 * The reply bytes exactly as the original sends them (fixture login_http): no space after the header
 * colons, Connection:close. Original bug: the reply was formatted into a 1024-byte buffer, so long
 * URLs truncated it under a Content-Length announcing the full size. Rewrite: no truncation.
 */
export function httpOk(body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  const head = `HTTP/1.1 200 OK\r\nConnection:close\r\nContent-Length:${bytes.length}\r\nContent-Type:text/html;charset=utf-8\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

/**
 * Rewrite: the original closed without a word on a bad, oversized or unknown request; we say why
 * first (clients only ever send the good request, so nothing they see changes).
 */
export function httpError(status: 400 | 404, reason: string): Buffer {
  return Buffer.from(`HTTP/1.1 ${status} ${reason}\r\nConnection:close\r\nContent-Length:0\r\n\r\n`, 'latin1');
}

/** jsoncpp StyledWriter output for a flat object of strings and numbers. */
export function styledJson(obj: Record<string, string | number>): string {
  const keys = Object.keys(obj).sort(byteOrder);
  if (keys.length === 0) return '{}\n';
  const lines = keys.map((k) => `   ${quote(k)} : ${typeof obj[k] === 'number' ? String(obj[k]) : quote(obj[k] as string)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** std::map<std::string> order: compare UTF-8 bytes. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** jsoncpp's valueToQuotedString: escapes `"`, `\`, and control characters; other bytes pass raw. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      default: out += c < 0x20 ? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}` : ch;
    }
  }
  return out + '"';
}
