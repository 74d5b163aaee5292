import { encodeFrame } from '../../pdu/Pdu';
import { encodeAttach } from '../../pdu/attach';
import type { QueryContext } from './QueryContext';
import type { DbReplies, DbReplyCid } from './PendingReplies';
import { QueryCode, QueryError } from './QueryError';

/**
 * http_msg_server's own attach_data numbering (protocol.md §3.6): type 3 = "handle", with the HTTP
 * connection's handle and service type 0, Format A (12 bytes).
 */
export const HTTP_ATTACH_TYPE = 3;

export function attachFor(handle: number): Buffer {
  return encodeAttach({ type: HTTP_ATTACH_TYPE, handle, serviceType: 0 });
}

/** Send one request to db_proxy (general pool first, edge.md §3.3) and wait for its reply. */
export function askDbProxy<C extends DbReplyCid>(ctx: QueryContext, handle: number, cid: number, body: Uint8Array, replyCid: C): Promise<DbReplies[C]> {
  const reply = ctx.pending.wait(handle, replyCid);
  if (ctx.db.send('general', encodeFrame(cid, body)) === undefined) {
    ctx.pending.cancel(handle, new QueryError(QueryCode.SERVER, 'no db_proxy link could take the request'));
  }
  return reply;
}

/** edge.md §3.6/3.7 step 1: without an open db_proxy link nothing can be done. */
export function requireDbProxy(ctx: QueryContext): void {
  if (!ctx.db.hasOpen()) throw new QueryError(QueryCode.SERVER, 'no db_proxy link open');
}
