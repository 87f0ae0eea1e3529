-- Clustered twin of single/0003. Sharded by content so every record of one file meets on one shard.
CREATE TABLE IF NOT EXISTS {{db}}.etl_file_local ON CLUSTER '{{cluster}}'
(
    source LowCardinality(String),
    file_name String,
    sha256 String,
    rows UInt64,
    status LowCardinality(String),
    reason String,
    loaded_at DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/etl_file', '{replica}', loaded_at)
ORDER BY (source, sha256);

CREATE TABLE IF NOT EXISTS {{db}}.etl_file ON CLUSTER '{{cluster}}' AS {{db}}.etl_file_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'etl_file_local', cityHash64(source, sha256));
