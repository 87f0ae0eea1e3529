import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClickHouse } from '@/core/clickhouse/client';

// Embedded chDB runs one statement at a time per session. The product gives requests their own sessions and
// the ETL a lane of its own (server/runtime.ts), so a wall figure never waits for an insert or a rollup
// rebuild. These tests watch the order in which answers arrive, not how long they take: a statement that
// sleeps in the engine holds its session, and a short one sent after it must come back first.
const embedded = !process.env.TEST_CLICKHOUSE_URL;

const n = z.object({ n: z.coerce.number() });
/** Holds its session about 2 s inside the engine (sleepEachRow is bounded at 3 s per block). */
const SLOW = 'SELECT sum(sleepEachRow(0.5)) AS n FROM numbers(4)';

const opened: ClickHouse[] = [];
function open(sessions?: number): ClickHouse {
  const ch = new ClickHouse({ database: `s_${randomBytes(4).toString('hex')}`, embeddedPath: ':memory:', embeddedSessions: sessions });
  opened.push(ch);
  return ch;
}

/** Which of a slow statement and a short one sent just after it answers first. */
async function firstToAnswer(slow: () => Promise<unknown>, short: () => Promise<unknown>): Promise<string[]> {
  const order: string[] = [];
  const a = slow().then(() => order.push('slow'));
  // Give the slow statement time to reach the engine before the short one is sent.
  await new Promise((r) => setTimeout(r, 300));
  const b = short().then(() => order.push('short'));
  await Promise.all([a, b]);
  return order;
}

afterAll(async () => {
  for (const ch of opened) await ch.close();
});

describe.runIf(embedded)('embedded engine sessions', () => {
  let ch: ClickHouse;
  beforeAll(async () => {
    ch = open();
    await ch.init();
    await ch.raw('test.ddl', `CREATE TABLE ${ch.database}.t (k UInt32) ENGINE = MergeTree ORDER BY k`);
  });

  it('one session answers in turn: a short statement waits for the slow one before it (why lanes exist)', async () => {
    const order = await firstToAnswer(
      () => ch.query('test.slow', SLOW, {}, n),
      () => ch.query('test.short', 'SELECT 1 AS n', {}, n),
    );
    expect(order).toEqual(['slow', 'short']);
  });

  it('a lane answers while a long statement holds the parent’s session, on the same data and database', async () => {
    const lane = ch.lane();
    await ch.insert('test.insert', 't' as never, [{ k: 1 }, { k: 2 }, { k: 3 }]);
    // Unqualified table name: the lane's session has had its own USE.
    const order = await firstToAnswer(
      () => ch.query('test.slow', SLOW, {}, n),
      () => lane.query('test.short', 'SELECT count() AS n FROM t', {}, n),
    );
    expect(order).toEqual(['short', 'slow']);
    expect(await lane.query('test.count', 'SELECT count() AS n FROM t', {}, n)).toEqual([{ n: 3 }]);
    // And the other way: what the lane writes, the parent reads.
    await lane.command('test.insert', `INSERT INTO t VALUES (4)`);
    expect(await ch.query('test.count', 'SELECT count() AS n FROM t', {}, n)).toEqual([{ n: 4 }]);
  });

  it('with two sessions, one object serves a short statement beside a slow one, on the least busy session', async () => {
    const two = open(2);
    await two.init();
    const order = await firstToAnswer(
      () => two.query('test.slow', SLOW, {}, n),
      () => two.query('test.short', `SELECT count() AS n FROM system.one`, {}, n),
    );
    expect(order).toEqual(['short', 'slow']);
    // Both sessions had their USE: each of two concurrent statements reads the database's own table.
    await two.raw('test.ddl', `CREATE TABLE ${two.database}.u (k UInt32) ENGINE = MergeTree ORDER BY k`);
    const both = await Promise.all([
      two.query('test.slow', `SELECT count() AS n FROM u WHERE sleepEachRow(0) = 0`, {}, n),
      two.query('test.short', 'SELECT count() AS n FROM u', {}, n),
    ]);
    expect(both).toEqual([[{ n: 0 }], [{ n: 0 }]]);
  });

  it('closing the parent closes its lanes; both open again on the next statement', async () => {
    const parent = open();
    const lane = parent.lane();
    expect(await lane.query('test.one', 'SELECT 1 AS n', {}, n)).toEqual([{ n: 1 }]);
    await parent.close();
    expect(await lane.query('test.one', 'SELECT 2 AS n', {}, n)).toEqual([{ n: 2 }]);
    expect(await parent.query('test.one', 'SELECT 3 AS n', {}, n)).toEqual([{ n: 3 }]);
  });
});
