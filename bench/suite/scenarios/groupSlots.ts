import type { SendSpec } from '../types';

/**
 * Slots from `first` on: for each size, `perSize` groups of that many members, disjoint; the first
 * member of each group creates it (a temporary group, through CID_GROUP_CREATE_REQUEST) and is its
 * only sender, the others only receive.
 */
export function groupSlots(first: number, sizes: number[], perSize: number, runTag: string): Array<SendSpec | undefined> {
  const out: Array<SendSpec | undefined> = [];
  let next = first;
  for (const size of sizes) {
    if (size < 2) throw new Error(`group size ${size}: a group needs a sender and at least one receiver`);
    for (let g = 0; g < perSize; g++) {
      const members = Array.from({ length: size }, (_, i) => next + i);
      out.push({ kind: 'group', memberSlots: members, groupName: `bench-${runTag}-${size}-${g + 1}` });
      for (let i = 1; i < size; i++) out.push(undefined);
      next += size;
    }
  }
  return out;
}
