import { chatPairs } from './chatPairs';
import { groupSlots } from './groupSlots';
import type { Scenario } from './Scenario';

/**
 * Pairs and groups at once, every connection placed by login_server's HTTP reply, so with several
 * msg_servers behind one login_server much of the traffic crosses route_server.
 */
export const mixed: Scenario = {
  name: 'mixed',
  describe: 'chat pairs plus groups through login_server: users spread over several msg_servers, traffic crossing route_server',
  defaults: {},
  layout: (p) => {
    const pairs = chatPairs(0, p.pairs);
    return { sends: [...pairs, ...groupSlots(pairs.length, p.groupSizes, p.groupsPerSize, Date.now().toString(36))], hasTraffic: true, hold: false };
  },
};
