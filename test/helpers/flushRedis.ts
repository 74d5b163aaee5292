import Redis from 'ioredis';
import { testDb } from './testDb';

/** Empties the five test Redis dbs (FLUSHDB on each), never FLUSHALL: production dbs share the server. */
export async function flushRedis(): Promise<void> {
  const { redis } = testDb();
  const r = new Redis({ host: redis.host, port: redis.port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    for (const db of Object.values(redis.dbs)) {
      await r.select(db);
      await r.flushdb();
    }
  } finally {
    r.disconnect();
  }
}
