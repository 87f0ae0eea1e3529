-- Clustered twin of single/0001: replicated local tables plus Distributed tables with the canonical names.
CREATE TABLE IF NOT EXISTS {{db}}.schema_migrations_local ON CLUSTER '{{cluster}}'
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/schema_migrations', '{replica}', applied_at)
ORDER BY version;

CREATE TABLE IF NOT EXISTS {{db}}.schema_migrations ON CLUSTER '{{cluster}}' AS {{db}}.schema_migrations_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'schema_migrations_local', version);

CREATE TABLE IF NOT EXISTS {{db}}.etl_run_local ON CLUSTER '{{cluster}}'
(
    run_id UUID,
    source LowCardinality(String),
    job LowCardinality(String),
    started_at DateTime64(3, 'UTC'),
    finished_at DateTime64(3, 'UTC'),
    status LowCardinality(String),
    rows_read UInt64,
    rows_loaded UInt64,
    rows_quarantined UInt64,
    watermark_from String,
    watermark_to String,
    error String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{{db}}/etl_run', '{replica}')
PARTITION BY toYYYYMM(started_at)
ORDER BY (source, started_at)
TTL toDateTime(started_at) + INTERVAL 400 DAY;

CREATE TABLE IF NOT EXISTS {{db}}.etl_run ON CLUSTER '{{cluster}}' AS {{db}}.etl_run_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'etl_run_local', cityHash64(source));

CREATE TABLE IF NOT EXISTS {{db}}.etl_watermark_local ON CLUSTER '{{cluster}}'
(
    source LowCardinality(String),
    watermark String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/etl_watermark', '{replica}', updated_at)
ORDER BY source;

CREATE TABLE IF NOT EXISTS {{db}}.etl_watermark ON CLUSTER '{{cluster}}' AS {{db}}.etl_watermark_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'etl_watermark_local', cityHash64(source));

CREATE TABLE IF NOT EXISTS {{db}}.etl_quarantine_local ON CLUSTER '{{cluster}}'
(
    source LowCardinality(String),
    run_id UUID,
    quarantined_at DateTime64(3, 'UTC'),
    record_key String,
    reason String,
    raw String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/etl_quarantine', '{replica}', quarantined_at)
ORDER BY (source, record_key, reason);

CREATE TABLE IF NOT EXISTS {{db}}.etl_quarantine ON CLUSTER '{{cluster}}' AS {{db}}.etl_quarantine_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'etl_quarantine_local', cityHash64(source, record_key));
