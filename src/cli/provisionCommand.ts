import * as fs from 'node:fs';
import { provision, testEnv } from './provision/provision';

export interface ProvisionCommandOptions {
  conf?: string;
  test?: boolean;
  /** write the TT_TEST_* variables as JSON to this file (npm test reads it) */
  envFile?: string;
  /** where private MariaDB/Redis keep their data (default var/) */
  varDir?: string;
}

/** `tt provision`: databases up, schema and demo data in place; prints what it did and how long it took. */
export async function provisionCommand(o: ProvisionCommandOptions): Promise<void> {
  const r = await provision({ confPath: o.conf, test: o.test ?? false, varDir: o.varDir });
  const m = r.prod.mysql;
  console.log(`[provision] ready in ${(r.ms / 1000).toFixed(1)} s: mysql://${m.user}@${m.host}:${m.port}/${m.database}` +
    `${o.test ? ` (+ ${r.test.mysql.database})` : ''}, redis://${r.prod.redis.host}:${r.prod.redis.port}` +
    `${o.test ? ` (test dbs ${Object.values(r.test.redis.dbs).join(',')})` : ''}`);
  if (o.envFile !== undefined) fs.writeFileSync(o.envFile, JSON.stringify(testEnv(r), null, 2) + '\n');
}
