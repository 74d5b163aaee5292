/**
 * The error codes of edge.md §3.8 with the texts that go on the wire. 2 and 6 were defined but
 * never produced by the original; the rewrite's real authentication uses them.
 */
export const QueryCode = {
  OK: 0,
  PARAM: 1,
  APP_KEY: 2,
  UNAUTHORIZED_INTERFACE: 5,
  IP_NOT_ALLOWED: 6,
  SERVER: 10,
  CREATE_GROUP_FAILED: 11,
  CHANGE_MEMBERS_FAILED: 12,
} as const;

export type QueryCodeValue = (typeof QueryCode)[keyof typeof QueryCode];

export const QUERY_MESSAGES: Record<QueryCodeValue, string> = {
  0: '成功',
  1: '参数错误',
  2: 'appKey不存在',
  5: '未授权的接口',
  6: 'IP未授权',
  10: '服务器异常',
  11: '创建群失败',
  12: '更改群成员失败',
};

/**
 * A request that ends in an error reply: the code for the JSON, the HTTP status, and the detail for
 * the log line (never sent to the caller).
 */
export class QueryError extends Error {
  constructor(
    readonly code: QueryCodeValue,
    readonly detail: string,
    /** Rewrite: statuses for what the original never answered; its own codes keep 200. */
    readonly httpStatus = 200,
    /** Extra reply keys the original sends with this error (CreateGroup's `group_id: 0`). */
    readonly extra: Record<string, number | string> = {},
  ) {
    super(`${code}: ${detail}`);
    this.name = 'QueryError';
  }
}
