import * as os from 'node:os';

const byNumber = new Map<number, string>();
for (const [name, num] of Object.entries(os.constants.errno)) byNumber.set(num, name);

/** 'ECONNREFUSED' for 111: log lines name the error, not just its number. */
export function errnoName(errno: number): string {
  return byNumber.get(errno) ?? `errno ${errno}`;
}
