import { randomBytes } from 'node:crypto';
import { ClickHouse } from '@/core/clickhouse/client';
import { migrateClickHouse } from '@/core/clickhouse/migrate';

/**
 * An isolated, migrated ClickHouse for one test file: embedded chDB in memory (one engine per vitest fork)
 * with a database of its own, or the server in CLICKHOUSE_URL when a run targets one.
 */
export async function testClickHouse(): Promise<ClickHouse> {
  const ch = new ClickHouse({
    url: process.env.TEST_CLICKHOUSE_URL,
    database: `t_${randomBytes(5).toString('hex')}`,
    embeddedPath: ':memory:',
  });
  await migrateClickHouse(ch);
  return ch;
}

export async function dropTestClickHouse(ch: ClickHouse): Promise<void> {
  await ch.raw('test.drop', `DROP DATABASE IF EXISTS ${ch.database}`);
  await ch.close();
}
