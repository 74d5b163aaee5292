import type { Scenario } from './Scenario';

/** C logged-in connections held with heartbeats: the servers' memory per connection. */
export const idle: Scenario = {
  name: 'idle',
  describe: 'C logged-in connections held: RSS per connection of msg_server and route_server',
  defaults: {},
  layout: (p) => ({ sends: new Array(p.connections).fill(undefined), hasTraffic: false, hold: true }),
};
