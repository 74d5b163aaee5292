import type { SendSpec } from '../types';

/** Slots [first, first+2P): 2k and 2k+1 talk to each other, both sending. */
export function chatPairs(first: number, pairs: number): SendSpec[] {
  const out: SendSpec[] = [];
  for (let k = 0; k < pairs; k++) {
    const a = first + 2 * k;
    out.push({ kind: 'single', peerSlot: a + 1 }, { kind: 'single', peerSlot: a });
  }
  return out;
}
