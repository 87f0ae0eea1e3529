-- Bookkeeping for the migration runner and the ETL: runs, watermarks, quarantined rows.
CREATE TABLE IF NOT EXISTS {{db}}.schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version;

CREATE TABLE IF NOT EXISTS {{db}}.etl_run
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (source, started_at)
TTL toDateTime(started_at) + INTERVAL 400 DAY;

-- The watermark is written only after the batch's rows are in, so a crash re-reads rather than skips.
CREATE TABLE IF NOT EXISTS {{db}}.etl_watermark
(
    source LowCardinality(String),
    watermark String,
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY source;

CREATE TABLE IF NOT EXISTS {{db}}.etl_quarantine
(
    source LowCardinality(String),
    run_id UUID,
    quarantined_at DateTime64(3, 'UTC'),
    record_key String,
    reason String,
    raw String
)
-- Re-reading a window (lookback, retry) must not quarantine the same bad row twice.
ENGINE = ReplacingMergeTree(quarantined_at)
ORDER BY (source, record_key, reason);
