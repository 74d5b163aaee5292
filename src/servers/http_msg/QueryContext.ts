import type { DbProxyPool } from '../../links/DbProxyPool';
import type { RouteLink } from '../../links/RouteLink';
import type { Logger } from '../../util/log';
import type { HttpMsgConfig } from './HttpMsgConfig';
import type { PendingReplies } from './PendingReplies';
import type { CommonFields } from './QueryFields';

/** What the query handlers share: one per running http_msg_server. */
export interface QueryContext {
  config: HttpMsgConfig;
  db: DbProxyPool;
  route: RouteLink;
  pending: PendingReplies;
  log: Logger;
}

/** One authenticated request: its JSON and the handle its db_proxy request carries. */
export interface QueryCall {
  common: CommonFields;
  handle: number;
}

export type QueryReply = Record<string, string | number>;

/** One interface (`/query/<name>`): a small async function, registered in index.ts's table. */
export type QueryHandler = (ctx: QueryContext, call: QueryCall) => Promise<QueryReply>;
