import type { Scenario } from './Scenario';

/** N connections log in (as fast as --login-concurrency / --login-rate allow) and nothing else. */
export const login: Scenario = {
  name: 'login',
  describe: 'N connections log in: logins/s and connect-to-login-reply latency',
  defaults: {},
  layout: (p) => ({ sends: new Array(p.n).fill(undefined), hasTraffic: false, hold: false }),
};
