/**
 * The upload reply bodies, byte for byte as the original writes them (edge.md §2.5): one line, keys
 * in this order, no whitespace except the space after `"error_msg":`. Android parses the first line
 * of the reply as JSON, so this must stay one line.
 */
import { UploadCode } from './UploadName';

const FORMAT_ERROR = '格式错误';

function q(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control bytes; a Host header cannot break the JSON.
  return JSON.stringify(s);
}

export function successReply(path: string, baseUrl: string): string {
  return `{"error_code":0,"error_msg": "成功","path":${q(path)},"url":${q(baseUrl + path)}}`;
}

export function tooLargeReply(): string {
  return '{"error_code":1,"error_msg": "上传文件过大","url":""}';
}

export function formatErrorReply(code: UploadCode): string {
  return `{"error_code":${code},"error_msg": "${FORMAT_ERROR}","path":"","url":""}`;
}

/** Rewrite additions, same shape as the format errors so clients parse them the same way. */
export function refusedReply(code: number, msg: string): string {
  return `{"error_code":${code},"error_msg": ${q(msg)},"path":"","url":""}`;
}

/** Rewrite: codes the original never produced (its clients treat any non-zero code as failure). */
export const RATE_LIMITED_CODE = 12;
export const STORE_FULL_CODE = 13;
export const STORE_FAILED_CODE = 14;
