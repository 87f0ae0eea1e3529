-- File drops: one row per file content (sha256) a source has loaded or rejected, so a file dropped twice, or
-- the same export dropped again under another name, is loaded once. A later record for the same content wins.
CREATE TABLE IF NOT EXISTS {{db}}.etl_file
(
    source LowCardinality(String),
    file_name String,
    sha256 String,
    rows UInt64,
    status LowCardinality(String),
    reason String,
    loaded_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(loaded_at)
ORDER BY (source, sha256);
