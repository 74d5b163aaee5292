import type { Tickable } from '../../net/Ticker';
import type { CloseReason, ConnSink, Transport } from '../../net/Transport';
import type { Logger } from '../../util/log';
import { nowMs } from '../../util/clock';
import { parseHttpRequest } from './httpRequest';
import { httpError, LookupReplies } from './httpReply';
import type { MsgServerRegistry } from './MsgServerRegistry';

/** servers.md §3.4: a request larger than this is refused. */
export const MAX_HTTP_REQUEST = 1024;
/** servers.md §1.9: an HTTP connection silent this long is closed. */
export const HTTP_IDLE_TIMEOUT_MS = 60_000;
/** The only target login_server serves (an 11-character prefix test, like the original). */
const MSG_SERVER_PATH = '/msg_server';

export interface HttpContext {
  registry: MsgServerRegistry<unknown>;
  /** The lookup replies, built once per distinct answer (ClientUrls of loginserver.conf inside). */
  replies: LookupReplies;
  log: Logger;
  /** Called once when the connection is gone, so the owner can forget it. */
  onGone(conn: HttpConn): void;
}

/**
 * One HTTP connection on HttpPort: one request, one reply, then close (servers.md §3.4).
 * Original bug: bytes arriving after the reply was queued were parsed again and could produce a
 * second reply. Rewrite: once answered, the connection reads nothing more.
 */
export class HttpConn implements ConnSink, Tickable {
  id = 0;
  peerIp = '';
  peerPort = 0;
  private buf = Buffer.alloc(0);
  private lastRecv = nowMs();
  private done = false;
  private gone = false;

  constructor(private readonly transport: Transport, private readonly ctx: HttpContext) {}

  onData(data: Buffer, offset: number, length: number): void {
    if (this.done) return;
    this.lastRecv = nowMs();
    if (this.buf.length + length > MAX_HTTP_REQUEST) {
      this.refuse(400, 'Bad Request', `request larger than ${MAX_HTTP_REQUEST} bytes`);
      return;
    }
    this.buf = Buffer.concat([this.buf, data.subarray(offset, offset + length)]);
    const req = parseHttpRequest(this.buf);
    if (req.state === 'incomplete') return;
    if (req.state === 'bad') { this.refuse(400, 'Bad Request', req.why); return; }
    if (!req.target.startsWith(MSG_SERVER_PATH)) { this.refuse(404, 'Not Found', `unknown target ${req.target.slice(0, 100)}`); return; }
    const sel = this.ctx.registry.select();
    this.ctx.log.debug({ http: this.id, peer: this.peerIp, method: req.method, code: sel.code }, 'msg_server lookup');
    this.reply(this.ctx.replies.reply(sel, this.peerIp));
  }

  onClose(_reason: CloseReason, _errno: number): void {
    this.done = true;
    if (this.gone) return;
    this.gone = true;
    this.ctx.onGone(this);
  }

  onTick(now: number): void {
    if (this.done) return;
    if (now - this.lastRecv > HTTP_IDLE_TIMEOUT_MS) {
      this.ctx.log.info({ http: this.id, peer: `${this.peerIp}:${this.peerPort}` }, 'HTTP connection idle for 60 s; closing');
      this.close();
    }
  }

  close(): void {
    if (this.gone) return;
    this.done = true;
    this.transport.close(this.id);
  }

  private refuse(status: 400 | 404, reason: string, why: string): void {
    this.ctx.log.warn({ http: this.id, peer: `${this.peerIp}:${this.peerPort}`, why }, `HTTP ${status}; closing`);
    this.reply(httpError(status, reason));
  }

  /** Write the whole reply, then close: the transport flushes queued bytes before closing. */
  private reply(bytes: Buffer): void {
    this.done = true;
    this.buf = Buffer.alloc(0);
    this.transport.write(this.id, bytes);
    this.close();
  }
}
