import type { CloseReason, ConnSink, Transport } from '../../net/Transport';
import type { Tickable } from '../../net/Ticker';
import type { Logger } from '../../util/log';
import { nowMs } from '../../util/clock';
import { styledJson } from './styledJson';
import { QueryCode, QUERY_MESSAGES } from './QueryError';

export interface HttpRequest {
  method: string;
  /** the request target exactly as sent (`/query/CreateGroup`) */
  target: string;
  /** lower-case names; a repeated header keeps its first value */
  headers: Map<string, string>;
  body: Buffer;
}

export interface HttpLimits {
  maxHeadBytes: number;
  maxBodyBytes: number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

/** A response that ends the connection: status, and the JSON text (or nothing). */
export interface HttpAnswer {
  status: number;
  body: string;
}

const REASONS: Record<number, string> = {
  200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  408: 'Request Timeout', 411: 'Length Required', 413: 'Payload Too Large',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** Byte for byte the original's reply head (fixture group_create_http): no space after the colons. */
export function responseBytes(a: HttpAnswer): Buffer {
  const body = Buffer.from(a.body, 'utf8');
  const head =
    `HTTP/1.1 ${a.status} ${REASONS[a.status] ?? 'Error'}\r\n` +
    'Cache-Control:no-cache\r\n' +
    'Connection:close\r\n' +
    `Content-Length:${body.length}\r\n` +
    'Content-Type:text/html;charset=utf-8\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const EMPTY = Buffer.alloc(0);
/** Requests that cannot be read still get the JSON the callers parse: code 1, parameter error. */
const PARAM_ERROR_BODY = styledJson({ error_code: QueryCode.PARAM, error_msg: QUERY_MESSAGES[QueryCode.PARAM] });
const HEAD_END = Buffer.from('\r\n\r\n');
const REQUEST_LINE = /^([A-Za-z]{1,16}) (\S{1,2048}) HTTP\/1\.[01]$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Why a request cannot be read; the status and a log line, then the connection closes. */
export class HttpParseError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpParseError';
  }
}

/**
 * One HTTP connection of http_msg_server on the shared transport (edge.md §3.4): one request per
 * connection, one reply, then close. The original buffered without bound and re-parsed the whole
 * buffer after every read; this reads the head once (bounded), then exactly Content-Length body
 * bytes (bounded), and ignores anything after. Bad or oversized input closes only this connection,
 * after a status line saying why.
 */
export class HttpQueryConn implements ConnSink, Tickable {
  id = 0;
  peerIp = '';
  peerPort = 0;
  /** Set when the request reaches a handler: the db_proxy context of this connection. */
  handle = 0;
  private state: 'head' | 'body' | 'busy' | 'closed' = 'head';
  private buf: Buffer = EMPTY;
  private req: HttpRequest | undefined;
  private bodyLength = 0;
  private readonly acceptedAt = nowMs();
  private lastRecv = this.acceptedAt;

  constructor(
    private readonly transport: Transport,
    private readonly limits: HttpLimits,
    private readonly onRequest: (conn: HttpQueryConn, req: HttpRequest) => void,
    private readonly onGone: (conn: HttpQueryConn) => void,
    private readonly log: Logger,
  ) {}

  get closed(): boolean { return this.state === 'closed'; }
  /** A reply is written only together with the close, so answered and closed are one state. */
  get answered(): boolean { return this.state === 'closed'; }

  onData(data: Buffer, offset: number, length: number): void {
    if (this.state !== 'head' && this.state !== 'body') return; // a request is complete: the rest is ignored
    this.lastRecv = nowMs();
    this.buf = this.buf.length === 0
      ? Buffer.from(data.subarray(offset, offset + length))
      : Buffer.concat([this.buf, data.subarray(offset, offset + length)]);
    try {
      if (this.state === 'head') this.readHead();
      if (this.state === 'body') this.readBody();
    } catch (err) {
      if (!(err instanceof HttpParseError)) throw err;
      this.log.info({ peer: `${this.peerIp}:${this.peerPort}`, status: err.status, err: err.message }, 'bad HTTP request; closing connection');
      this.respond({ status: err.status, body: PARAM_ERROR_BODY });
    }
  }

  onClose(_reason: CloseReason, _errno: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.buf = EMPTY;
    this.onGone(this);
  }

  onTick(now: number): void {
    if (this.state === 'closed') return;
    if (this.state === 'head' && now - this.acceptedAt > this.limits.headersTimeoutMs) {
      this.log.info({ peer: `${this.peerIp}:${this.peerPort}` }, 'request head not complete in time; closing connection');
      this.respond({ status: 408, body: PARAM_ERROR_BODY });
      return;
    }
    // The original's 60 s idle timeout; a request waiting for db_proxy is answered before it.
    if (now - this.lastRecv > this.limits.idleTimeoutMs && this.state !== 'busy') {
      this.log.info({ peer: `${this.peerIp}:${this.peerPort}` }, 'idle timeout; closing connection');
      this.close();
    }
  }

  /**
   * Write the one reply and close (the original's Connection:close). The transport's close()
   * flushes what is queued first and lingers up to 2 s for a peer that does not read, on both
   * transports. Waiting here for queued() to reach 0 was wrong on the native transport: its writes
   * are only offered to the kernel at the end of the batch, so queued() is never 0 right after a
   * write, and a drain event only comes for a queue the kernel refused, so the reply sat until a
   * 5 s grace timer closed the connection.
   */
  respond(a: HttpAnswer): void {
    if (this.state === 'closed') return;
    this.buf = EMPTY;
    this.transport.write(this.id, responseBytes(a));
    this.close();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.transport.close(this.id); // runs onClose('local')
    this.onClose('local', 0);
  }

  private readHead(): void {
    const end = this.buf.indexOf(HEAD_END);
    if (end < 0) {
      if (this.buf.length > this.limits.maxHeadBytes) throw new HttpParseError(431, `request head over ${this.limits.maxHeadBytes} bytes`);
      return;
    }
    if (end > this.limits.maxHeadBytes) throw new HttpParseError(431, `request head over ${this.limits.maxHeadBytes} bytes`);
    const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const m = REQUEST_LINE.exec(lines[0]!);
    if (m === null) throw new HttpParseError(400, 'malformed request line');
    const headers = new Map<string, string>();
    let contentLength: string | undefined;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      if (!HEADER_NAME.test(name)) throw new HttpParseError(400, 'malformed header line');
      const key = name.toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-length') {
        if (contentLength !== undefined && contentLength !== value) throw new HttpParseError(400, 'conflicting Content-Length headers');
        contentLength = value;
      }
      if (!headers.has(key)) headers.set(key, value);
    }
    if (headers.has('transfer-encoding')) throw new HttpParseError(411, 'chunked bodies are not accepted; send Content-Length');
    if (contentLength !== undefined && !/^\d{1,15}$/.test(contentLength)) throw new HttpParseError(400, 'malformed Content-Length');
    this.bodyLength = contentLength === undefined ? 0 : Number(contentLength);
    // Rewrite (edge.md §3.9): the request size is capped (the original buffered without bound).
    if (this.bodyLength > this.limits.maxBodyBytes) throw new HttpParseError(413, `body of ${this.bodyLength} bytes over ${this.limits.maxBodyBytes}`);
    this.req = { method: m[1]!, target: m[2]!, headers, body: EMPTY };
    this.buf = this.buf.subarray(end + HEAD_END.length);
    this.state = 'body';
    // curl (the PHP admin) waits for this before sending bodies over 1 KiB.
    if (headers.get('expect')?.toLowerCase() === '100-continue' && this.buf.length < this.bodyLength) {
      this.transport.write(this.id, Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'));
    }
  }

  private readBody(): void {
    if (this.buf.length < this.bodyLength || this.req === undefined) return;
    const req = this.req;
    req.body = Buffer.from(this.buf.subarray(0, this.bodyLength));
    this.buf = EMPTY;
    this.req = undefined;
    this.state = 'busy';
    this.onRequest(this, req);
  }
}
