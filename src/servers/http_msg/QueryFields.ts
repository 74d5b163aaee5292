import { QueryCode, QueryError } from './QueryError';

export type JsonObject = Record<string, unknown>;

const U32_MAX = 0xffff_ffff;

/** jsoncpp's asUInt: numbers in 0..2^32-1 (fractions truncated), booleans as 0/1, null as 0. */
function asUInt(v: unknown): number | undefined {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= U32_MAX) return Math.trunc(v);
  return undefined;
}

/** jsoncpp's asString: strings, numbers and booleans convert; null is ""; arrays and objects throw. */
function asString(v: unknown): string | undefined {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export interface CommonFields {
  json: JsonObject;
  appKey: string;
  /** undefined when absent or null (CreateGroup and ChangeMembers require it) */
  reqUserId: number | undefined;
}

/**
 * edge.md §3.5 step 2: `app_key` as a string and `req_user_id` as an unsigned number; a type error
 * there is code 5. Original bug: that reply went out without any HTTP status line or headers; here
 * it is a normal response (HTTP 400).
 */
export function readCommonFields(root: unknown): CommonFields {
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new QueryError(QueryCode.UNAUTHORIZED_INTERFACE, 'JSON root is not an object', 400);
  }
  const json = root as JsonObject;
  const appKey = asString(json.app_key);
  if (appKey === undefined) throw new QueryError(QueryCode.UNAUTHORIZED_INTERFACE, 'app_key is not a string', 400);
  const raw = json.req_user_id;
  const reqUserId = asUInt(raw === undefined ? null : raw);
  if (reqUserId === undefined) throw new QueryError(QueryCode.UNAUTHORIZED_INTERFACE, 'req_user_id is not an unsigned number', 400);
  return { json, appKey, reqUserId: raw === undefined || raw === null ? undefined : reqUserId };
}

const param = (detail: string): QueryError => new QueryError(QueryCode.PARAM, detail);

function present(json: JsonObject, key: string): unknown {
  const v = json[key];
  if (v === undefined || v === null) throw param(`${key} missing`);
  return v;
}

/** A required unsigned integer (a string, a fraction or a negative number is code 1). */
export function uintField(json: JsonObject, key: string): number {
  const v = present(json, key);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > U32_MAX) throw param(`${key} is not an unsigned integer`);
  return v;
}

export function stringField(json: JsonObject, key: string): string {
  const v = present(json, key);
  if (typeof v !== 'string') throw param(`${key} is not a string`);
  return v;
}

/** A required array of user ids, at most `max` long (Rewrite: the original had no bound). */
export function uintListField(json: JsonObject, key: string, max: number): number[] {
  const v = present(json, key);
  if (!Array.isArray(v)) throw param(`${key} is not an array`);
  if (v.length > max) throw param(`${key} has ${v.length} entries, more than ${max}`);
  return v.map((x, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > U32_MAX) throw param(`${key}[${i}] is not an unsigned integer`);
    return x;
  });
}

/** `req_user_id` must be present and not null (edge.md §3.6 step 2), although it is not used. */
export function requireReqUserId(c: CommonFields): number {
  if (c.reqUserId === undefined) throw param('req_user_id missing');
  return c.reqUserId;
}
