import { createClient, type Client } from '@libsql/client';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

// SQLite source databases (a hall queue machine's local store, the simulator's systems) through libsql,
// which installs prebuilt. Opening is lazy and failures surface as the job's error, not a crash.

export function openSqlite(url: string): Client {
  if (url.startsWith('file:')) mkdirSync(path.dirname(path.resolve(url.slice('file:'.length))), { recursive: true });
  return createClient({ url });
}

/** Path of the built-in simulator's hall queue database inside DATA_DIR. */
export const simulatorHallQueueUrl = (dataDir: string) => `file:${path.join(dataDir, 'sources', 'hall-queue.db')}`;
