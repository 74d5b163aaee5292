import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { MsfsContext } from './MsfsContext';
import { handleUpload } from './handleUpload';
import { handleDownload, DownloadAborted } from './handleDownload';
import { emptyReply } from './httpReply';

type RequestHandler = (ctx: MsfsContext, req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** edge.md §2.4: GET downloads, POST uploads; HEAD is the rewrite's addition. */
const METHODS = new Map<string, RequestHandler>([
  ['GET', handleDownload],
  ['HEAD', handleDownload],
  ['POST', handleUpload],
]);

/** Largest request head accepted; the clients send a handful of short headers. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The HTTP side of msfs on Node's http module. Limits (edge.md §2.10 and its Rewrite):
 * - the whole request head must arrive within HeadersTimeoutMs (slow-header clients get 408);
 * - heads over 16 KiB get 431; malformed requests get 400; each with a log line;
 * - a connection idle for IdleTimeoutMs is closed (the original's 30 s);
 * - one request per connection (`Connection: close`), as the original.
 * A failing handler answers 500 for that request only; nothing here can take the process down.
 */
export class MsfsHttpServer {
  private readonly servers: http.Server[] = [];

  constructor(private readonly ctx: MsfsContext) {}

  async listen(host: string, port: number): Promise<number> {
    const { config, log } = this.ctx;
    const server = http.createServer({
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
      // The original built URLs from Host but worked without one (`http:///path`).
      requireHostHeader: false,
      keepAlive: false,
    });
    server.timeout = config.idleTimeoutMs;
    server.on('timeout', (socket: Socket) => {
      log.info({ peer: socket.remoteAddress }, 'idle timeout; closing connection');
      socket.destroy();
    });
    server.on('request', (req, res) => this.onRequest(req, res));
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      log.info({ peer: socket.remoteAddress, code: err.code, status }, 'bad or slow HTTP request; closing connection');
      if (socket.writable && socket.bytesWritten === 0) {
        const text = http.STATUS_CODES[status] ?? 'Bad Request';
        socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      }
      socket.destroySoon();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => { server.off('error', reject); resolve(); });
    });
    // After start-up a listener error (EMFILE on accept) must not become an uncaught exception.
    server.on('error', (err) => log.error({ err: err.message }, 'listener error'));
    this.servers.push(server);
    const addr = server.address();
    return typeof addr === 'object' && addr !== null ? addr.port : port;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    })));
    this.servers.length = 0;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const handler = METHODS.get(req.method ?? '');
    if (handler === undefined) {
      this.ctx.log.info({ peer: req.socket.remoteAddress, method: req.method }, 'method not supported');
      // Rewrite: the original's 403 lacked the final newline of its header block.
      emptyReply(res, 403);
      return;
    }
    handler(this.ctx, req, res).catch((err: unknown) => {
      if (err instanceof DownloadAborted) {
        this.ctx.log.info({ peer: req.socket.remoteAddress, url: req.url, err: err.message }, 'download aborted');
        return;
      }
      this.ctx.log.error({ peer: req.socket.remoteAddress, method: req.method, url: req.url, err }, 'request failed');
      if (!res.headersSent) emptyReply(res, 500);
      else res.destroy();
    });
  }
}
