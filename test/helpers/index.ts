// Shared test infrastructure (docs/architecture.md, "Tests"): import from '../helpers'.
export { testDb, repoRoot, fixturesDir } from './testDb';
export type { TestDb } from './testDb';
export { resetDatabase } from './resetDatabase';
export type { ResetOptions } from './resetDatabase';
export { flushRedis } from './flushRedis';
export { writeTestConf, applyOverrides } from './writeTestConf';
export type { ConfOverrides } from './writeTestConf';
