/**
 * A transfer's file name is a *name*, never a path. file_server itself never builds a path from it
 * (storage is keyed by task id), but the name is stored in the offline header and handed to the
 * receiving client, which saves under it: a name that tries to climb out of a directory is refused at
 * task creation so no client is ever offered one.
 */
export const MAX_FILE_NAME_BYTES = 511; // the header's 512-byte name field, NUL-terminated

export function fileNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'empty';
  if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) return 'too long';
  if (name === '.' || name === '..') return 'dot name';
  if (/[/\\]/.test(name)) return 'contains a path separator';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  return undefined;
}
