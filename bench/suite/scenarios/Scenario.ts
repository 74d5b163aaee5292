import type { Layout } from '../Runner';

/** Scenario-specific knobs from the command line (each scenario reads the ones it needs). */
export interface ScenarioParams {
  n: number;
  connections: number;
  pairs: number;
  groupSizes: number[];
  groupsPerSize: number;
}

export interface Scenario {
  name: string;
  describe: string;
  /** defaults that differ from the global ones */
  defaults: { durationS?: number; rate?: number };
  layout(p: ScenarioParams): Layout;
}
