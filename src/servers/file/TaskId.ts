import { randomUUID } from 'node:crypto';

/**
 * edge.md §1.5: a task id is a version-4 UUID in its 36-character lowercase text form. It is the only
 * client-supplied text that ever reaches a disk path (edge.md §7 item 2), so it is checked against the
 * exact shape before anything else is done with it. Any version digit is accepted so that an
 * `offline_file/` tree migrated from the original (libuuid) stays readable; hex and hyphens only, so a
 * valid id can never name a parent directory or carry a separator.
 */
const TASK_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isValidTaskId(id: string): boolean {
  return TASK_ID_RE.test(id);
}

export function newTaskId(): string {
  return randomUUID();
}
