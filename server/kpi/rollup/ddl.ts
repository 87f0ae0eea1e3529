import { FAMILIES } from '../families';
import type { Family, Grain } from '../families/types';
import { keyColumns, measureColumns, rollupTable, rollupTables } from './columns';

// Generates the DDL of migration 0008 from the family definitions (scripts/gen-rollup-migration.ts wrote
// the files once; migrations are history, so later changes go into new numbered files).

/** Inserts into these tables mark rollup buckets dirty: [family, table, bucket SQL, key SQL]. */
export const DIRTY_MARKS: readonly (readonly [string, string, string, string])[] = [
  ['queue', 'fact_queue_ticket', 'toStartOfHour(issued_at)', "''"],
  ['call', 'fact_call', 'toStartOfHour(ivr_at)', "''"],
  ['outage', 'fact_outage', 'toStartOfHour(planned_start)', "''"],
  ['outage', 'fact_outage_customer', "toDateTime(0, 'UTC')", 'outage_id'],
  ['outage', 'fact_notice', "toDateTime(0, 'UTC')", 'outage_id'],
  ['outage', 'fact_sms_report', "toDateTime(0, 'UTC')", "concat('sms:', toString(toStartOfHour(sent_at)))"],
  ['bill', 'fact_bill', "toDateTime(bill_month, 'UTC')", "''"],
  ['bill', 'fact_payment', "toDateTime(0, 'UTC')", 'bill_id'],
  ['payment', 'fact_payment', 'toStartOfHour(paid_at)', "''"],
  ['dunning', 'fact_dunning', 'toStartOfHour(dunned_at)', "''"],
  ['dunning', 'fact_payment', "toDateTime(0, 'UTC')", 'toString(toStartOfHour(paid_at))'],
  ['reconnection', 'fact_reconnection', 'toStartOfHour(disconnected_at)', "''"],
  ['work_order', 'fact_work_order', 'toStartOfHour(created_at)', "''"],
];

function columnsOf(f: Family, grain: Grain, county: boolean): string {
  const cols = [...keyColumns(f, grain, county), ...measureColumns(f), { name: 'version', type: 'UInt64' }];
  return cols.map((c) => `    ${c.name} ${c.type}`).join(',\n');
}

function rollupDdl(f: Family, grain: Grain, county: boolean, cluster: boolean): string {
  const table = rollupTable(f, grain, county);
  const order = keyColumns(f, grain, county)
    .map((c) => c.name)
    .join(', ');
  const partition = grain === 'hour' ? 'toYYYYMM(bucket)' : 'toYear(bucket)';
  if (!cluster) {
    return `CREATE TABLE IF NOT EXISTS {{db}}.${table}
(
${columnsOf(f, grain, county)}
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY ${partition}
ORDER BY (${order});
`;
  }
  // Sharded by county so every version of a rollup row meets on one shard (FINAL is per shard).
  const shard = f.leaf === 'none' ? 'rand()' : 'cityHash64(county_code)';
  return `CREATE TABLE IF NOT EXISTS {{db}}.${table}_local ON CLUSTER '{{cluster}}'
(
${columnsOf(f, grain, county)}
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/${table}', '{replica}', version)
PARTITION BY ${partition}
ORDER BY (${order});

CREATE TABLE IF NOT EXISTS {{db}}.${table} ON CLUSTER '{{cluster}}' AS {{db}}.${table}_local
ENGINE = Distributed('{{cluster}}', '{{db}}', '${table}_local', ${shard});
`;
}

function dirtyDdl(cluster: boolean): string {
  const cols = `(
    family LowCardinality(String),
    bucket DateTime('UTC'),
    key String,
    at DateTime64(3, 'UTC') DEFAULT now64(3)
)`;
  const stateCols = `(
    family LowCardinality(String),
    params_hash String,
    complete UInt8,
    dirty_mark DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC')
)`;
  if (!cluster) {
    return `-- Every insert into a fact table marks the rollup buckets it touches (materialized views below); the
-- refresher recomputes just those buckets from the facts.
CREATE TABLE IF NOT EXISTS {{db}}.kpi_dirty
${cols}
ENGINE = MergeTree
ORDER BY (family, at)
TTL toDateTime(at) + INTERVAL 30 DAY;

-- Per family: the parameters its rollups were built with, whether they are complete, and how far the
-- refresher has read kpi_dirty.
CREATE TABLE IF NOT EXISTS {{db}}.kpi_rollup_state
${stateCols}
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY family;
`;
  }
  return `-- Clustered twin of single/0008: marks stay on the shard that took the insert; reads go through Distributed.
CREATE TABLE IF NOT EXISTS {{db}}.kpi_dirty_local ON CLUSTER '{{cluster}}'
${cols}
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{{db}}/kpi_dirty', '{replica}')
ORDER BY (family, at)
TTL toDateTime(at) + INTERVAL 30 DAY;

CREATE TABLE IF NOT EXISTS {{db}}.kpi_dirty ON CLUSTER '{{cluster}}' AS {{db}}.kpi_dirty_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'kpi_dirty_local', rand());

CREATE TABLE IF NOT EXISTS {{db}}.kpi_rollup_state_local ON CLUSTER '{{cluster}}'
${stateCols}
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/kpi_rollup_state', '{replica}', updated_at)
ORDER BY family;

CREATE TABLE IF NOT EXISTS {{db}}.kpi_rollup_state ON CLUSTER '{{cluster}}' AS {{db}}.kpi_rollup_state_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'kpi_rollup_state_local', cityHash64(family));
`;
}

function markDdl([family, table, bucket, key]: readonly [string, string, string, string], cluster: boolean): string {
  const on = cluster ? ` ON CLUSTER '{{cluster}}'` : '';
  const target = cluster ? 'kpi_dirty_local' : 'kpi_dirty';
  const src = cluster ? `${table}_local` : table;
  // GROUP BY: one mark per bucket (or key) per inserted block, not one per row.
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_${family}_${table}${on} TO {{db}}.${target}
AS SELECT '${family}' AS family, ${bucket} AS bucket, ${key} AS key
FROM {{db}}.${src}
GROUP BY bucket, key;
`;
}

export function rollupMigration(cluster: boolean): string {
  const parts = [dirtyDdl(cluster)];
  for (const f of FAMILIES) for (const t of rollupTables(f)) parts.push(rollupDdl(f, t.grain, t.county, cluster));
  for (const m of DIRTY_MARKS) parts.push(markDdl(m, cluster));
  return parts.join('\n');
}
