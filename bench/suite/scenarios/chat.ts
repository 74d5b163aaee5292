import { chatPairs } from './chatPairs';
import type { Scenario } from './Scenario';

export const chat: Scenario = {
  name: 'chat',
  describe: 'P pairs exchange one-to-one text at a fixed rate per sender: acked/s, delivered/s, latencies, losses',
  defaults: {},
  layout: (p) => ({ sends: chatPairs(0, p.pairs), hasTraffic: true, hold: false }),
};
