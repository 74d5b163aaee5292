import { groupSlots } from './groupSlots';
import type { Scenario } from './Scenario';

export const group: Scenario = {
  name: 'group',
  describe: 'one sender per group, groups of 10 and 200 members: deliveries/s and latency',
  defaults: { rate: 5 },
  layout: (p) => ({ sends: groupSlots(0, p.groupSizes, p.groupsPerSize, Date.now().toString(36)), hasTraffic: true, hold: false }),
};
