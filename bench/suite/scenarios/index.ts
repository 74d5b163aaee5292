import { chat } from './chat';
import { group } from './group';
import { idle } from './idle';
import { login } from './login';
import { mixed } from './mixed';
import type { Scenario } from './Scenario';

export const SCENARIOS: Record<string, Scenario> = { login, idle, chat, group, mixed };
export type { Scenario, ScenarioParams } from './Scenario';
