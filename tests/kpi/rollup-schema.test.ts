import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { FAMILIES } from '@/server/kpi/families';
import { keyColumns, measureColumns, rollupTable, rollupTables } from '@/server/kpi/rollup/columns';
import { DIRTY_MARKS } from '@/server/kpi/rollup/ddl';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// The rollup tables come from migration 0008 (history); the family definitions from code. If a family
// changes its measures without a migration, this fails instead of the refresher failing at night.

let ch: ClickHouse;
beforeAll(async () => {
  ch = await testClickHouse();
});
afterAll(async () => {
  if (ch) await dropTestClickHouse(ch);
});

const colRow = z.object({ table: z.string(), name: z.string(), type: z.string() });

describe('rollup tables', () => {
  it('have exactly the columns their family defines', async () => {
    const cols = await ch.query(
      't.cols',
      "SELECT table, name, type FROM system.columns WHERE database = {db:String} AND table LIKE 'rollup\\\\_%' ORDER BY table, position",
      { db: ch.database },
      colRow,
    );
    const tables = FAMILIES.flatMap((f) => rollupTables(f).map((t) => ({ f, ...t, name: rollupTable(f, t.grain, t.county) })));
    for (const { f, grain, county, name } of tables) {
      const expected = [...keyColumns(f, grain, county), ...measureColumns(f), { name: 'version', type: 'UInt64' }].map(
        (c) => `${c.name} ${c.type}`,
      );
      const actual = cols.filter((c) => c.table === name).map((c) => `${c.name} ${c.type}`);
      expect(actual, name).toEqual(expected);
    }
    // …and no table the code does not know.
    expect([...new Set(cols.map((c) => c.table))].sort()).toEqual(tables.map((t) => t.name).sort());
  });

  it('get a dirty mark from every source table each family reads', () => {
    for (const f of FAMILIES.filter((x) => x.grains.length)) {
      const marked = DIRTY_MARKS.filter(([family]) => family === f.id).map(([, table]) => table);
      expect(marked.sort(), f.id).toEqual([...f.sourceTables].sort());
    }
  });

  it('mark the buckets an insert touches', async () => {
    await ch.insert('t.ins', 'fact_work_order', [
      {
        order_id: 'WO-T1',
        source: 'test',
        type: 'complaint',
        province_code: '53',
        city_code: '5301',
        county_code: '530102',
        area_class: 'urban',
        created_at: '2026-11-23 03:15:00.000',
        limit_value: 1,
        limit_unit: 'working_days',
        time_limit_minutes: 1440,
        due_at: '2026-11-24 03:15:00.000',
        due_step: 'reply',
        status: 'created',
        src_updated_at: '2026-11-23 03:15:00.000',
      },
    ]);
    const marks = await ch.query(
      't.marks',
      "SELECT family, toString(bucket) AS bucket FROM kpi_dirty WHERE family = 'work_order'",
      {},
      z.object({ family: z.string(), bucket: z.string() }),
    );
    expect(marks).toEqual([{ family: 'work_order', bucket: '2026-11-23 03:00:00' }]);
  });
});
