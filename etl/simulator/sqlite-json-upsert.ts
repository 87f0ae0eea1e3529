import type { InStatement, InValue } from '@libsql/client';

// The simulated source systems' multi-row upserts take their rows as one JSON parameter that SQLite unpacks
// itself (json_each): bound one value at a time through the driver, the parameters cost more than the writes
// (a history day of the hall queue, 66,000 tickets: see bench/README.md). `->>` gives back SQL values of the
// JSON's types (text, integer, real, NULL), so the rows are stored as a VALUES list would store them.

/** Builds the upsert of `columns` into `table` for a batch of rows (arrays in column order). */
export function jsonUpsert(
  table: string,
  columns: readonly string[],
  key: string,
  update: readonly string[] = columns.filter((c) => c !== key),
): (rows: InValue[][]) => InStatement {
  // `WHERE true`: SQLite's parser needs it between a SELECT and ON CONFLICT.
  const sql = `INSERT INTO ${table} (${columns.join(', ')})
    SELECT ${columns.map((_, i) => `value ->> ${i}`).join(', ')} FROM json_each(?) WHERE true
    ON CONFLICT (${key}) DO UPDATE SET ${update.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  return (rows) => {
    for (const row of rows)
      for (const v of row) if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${table}: ${v} has no JSON form`);
    return { sql, args: [JSON.stringify(rows)] };
  };
}
