import type { Transport } from '../net/Transport';

/** The contract of src/servers/<name>/index.ts (docs/architecture.md, "Servers"). */
export interface RunningServer {
  name: string;
  ports: Record<string, number>;
  stop(): Promise<void>;
}

export interface ServerModule {
  start(opts: { confPath: string; transport?: Transport }): Promise<RunningServer>;
}

export function isServerModule(m: unknown): m is ServerModule {
  return typeof m === 'object' && m !== null && typeof (m as { start?: unknown }).start === 'function';
}
