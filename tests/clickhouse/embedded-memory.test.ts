import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_ALLOCATOR, type ClickHouse } from '@/core/clickhouse/client';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// Issue 17, memory: the history back-fill creates and drops a table of rows for each load. chDB's allocator
// kept the pages of a dropped table resident until the engine's memory worker purged it, about 5 s later (200 MB
// of 380 here); configured with a background thread (EMBEDDED_ALLOCATOR), it returns them within a second or so.
// The process's resident memory is read from the OS.

const embedded = !process.env.TEST_CLICKHOUSE_URL;
const MiB = 1024 * 1024;
const rss = () => process.memoryUsage().rss / MiB;

let ch: ClickHouse;
beforeAll(async () => {
  if (embedded) ch = await testClickHouse();
});
afterAll(async () => {
  if (ch) await dropTestClickHouse(ch);
});

describe.runIf(embedded)('embedded engine memory', () => {
  it('configures the allocator before the engine loads', () => {
    expect(process.env.JE_MALLOC_CONF).toBe(EMBEDDED_ALLOCATOR);
  });

  it("gives a dropped table's memory back to the system within seconds", async () => {
    const before = rss();
    await ch.raw(
      'test.big',
      `CREATE TABLE big ENGINE = Memory AS SELECT number, toString(number) AS s, repeat('x', 100) AS pad FROM numbers(3000000)`,
    );
    const held = rss() - before;
    // The table is really there: 3 M rows of about 120 bytes.
    expect(held).toBeGreaterThan(250);
    await ch.raw('test.drop', 'DROP TABLE big SYNC');
    // Waits for the release (a bounded number of looks, no clock in the assertion).
    let left = rss() - before;
    for (let i = 0; i < 50 && left > 80; i++) {
      await new Promise((r) => setTimeout(r, 200));
      left = rss() - before;
    }
    expect(left).toBeLessThan(80);
  });
});
