import type { Listener, Transport } from '../../net/Transport';
import type { Ticker } from '../../net/Ticker';
import type { Logger } from '../../util/log';
import { HttpQueryConn, type HttpLimits, type HttpRequest } from './HttpQueryConn';
import type { QueryAuth } from './QueryAuth';
import type { QueryContext, QueryHandler, QueryReply } from './QueryContext';
import { QueryCode, QueryError, QUERY_MESSAGES } from './QueryError';
import { readCommonFields } from './QueryFields';
import { styledJson } from './styledJson';

/**
 * The HTTP front door (edge.md §3.4, §3.5): accepts connections on the shared transport, reads one
 * request each, checks who is calling, finds the interface by its exact path and answers with the
 * original's reply format. Every failure becomes a full HTTP response and a log line.
 *
 * Rewrite (§3.9): unknown paths get 404 + code 1, unparsable JSON 400 + code 1, a type error in
 * app_key/req_user_id 400 + code 5 (the original sent that one without any HTTP head), db_proxy
 * silence code 10 (PendingReplies), refused callers 401/403 + code 2/6.
 */
export class QueryServer {
  private readonly conns = new Set<HttpQueryConn>();
  private readonly listeners: Listener[] = [];

  constructor(
    private readonly transport: Transport,
    private readonly ticker: Ticker,
    private readonly ctx: QueryContext,
    private readonly auth: QueryAuth,
    private readonly routes: ReadonlyMap<string, QueryHandler>,
    private readonly limits: HttpLimits,
    private readonly log: Logger,
  ) {}

  async listen(host: string, port: number): Promise<number> {
    const l = await this.transport.listen(host, port, ({ id, peerIp, peerPort }) => this.accept(id, peerIp, peerPort));
    this.listeners.push(l);
    return l.port;
  }

  stop(): void {
    for (const l of this.listeners) l.close();
    this.listeners.length = 0;
    for (const c of [...this.conns]) c.close();
  }

  get connections(): number { return this.conns.size; }

  private accept(id: number, peerIp: string, peerPort: number): HttpQueryConn {
    const conn = new HttpQueryConn(this.transport, this.limits, (c, req) => this.serve(c, req), (c) => this.gone(c), this.log);
    conn.id = id; conn.peerIp = peerIp; conn.peerPort = peerPort;
    this.conns.add(conn);
    this.ticker.add(conn);
    try {
      this.auth.checkPeer(peerIp);
    } catch (err) {
      // Answered before anything is read; respond() is deferred until the transport knows the id.
      queueMicrotask(() => this.fail(conn, err));
    }
    return conn;
  }

  private gone(conn: HttpQueryConn): void {
    this.conns.delete(conn);
    this.ticker.delete(conn);
    if (conn.handle !== 0) this.ctx.pending.cancel(conn.handle, new QueryError(QueryCode.SERVER, 'HTTP caller went away'));
  }

  private serve(conn: HttpQueryConn, req: HttpRequest): void {
    this.handle(conn, req).then(
      (reply) => conn.respond({ status: 200, body: styledJson(reply) }),
      (err: unknown) => this.fail(conn, err),
    );
  }

  private async handle(conn: HttpQueryConn, req: HttpRequest): Promise<QueryReply> {
    const handler = this.routes.get(req.target);
    if (handler === undefined) throw new QueryError(QueryCode.PARAM, `unknown interface ${JSON.stringify(req.target)}`, 404);
    let root: unknown;
    try {
      root = JSON.parse(req.body.toString('utf8'));
    } catch {
      throw new QueryError(QueryCode.PARAM, 'body is not JSON', 400);
    }
    const common = readCommonFields(root);
    this.auth.checkRequest({ peerIp: conn.peerIp, method: req.method, target: req.target, body: req.body, headers: req.headers, appKey: common.appKey }, Math.floor(Date.now() / 1000));
    conn.handle = this.ctx.pending.newHandle();
    return handler(this.ctx, { common, handle: conn.handle });
  }

  private fail(conn: HttpQueryConn, err: unknown): void {
    if (conn.answered) return;
    const peer = `${conn.peerIp}:${conn.peerPort}`;
    if (err instanceof QueryError) {
      this.log.info({ peer, code: err.code, err: err.detail }, 'query refused');
      conn.respond({ status: err.httpStatus, body: styledJson({ error_code: err.code, error_msg: QUERY_MESSAGES[err.code], ...err.extra }) });
      return;
    }
    // A bug, not bad input: log it loudly, answer like the original's "server exception", keep running.
    this.log.error({ peer, err }, 'query failed');
    conn.respond({ status: 500, body: styledJson({ error_code: QueryCode.SERVER, error_msg: QUERY_MESSAGES[QueryCode.SERVER] }) });
  }
}
