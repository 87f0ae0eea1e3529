-- Clustered twin of single/0013. A load's records meet on one shard (sharded by load id); the staging insert is
-- written in the foreground (distributed_foreground_insert), so the checks that follow read all of it.
CREATE TABLE IF NOT EXISTS {{db}}.etl_stage_csv_local ON CLUSTER '{{cluster}}'
(
    load_id String,
    n UInt32,
    c0 String,
    c1 String,
    c2 String,
    c3 String,
    c4 String,
    c5 String,
    c6 String,
    c7 String,
    c8 String,
    c9 String,
    c10 String,
    c11 String,
    c12 String,
    c13 String,
    c14 String,
    c15 String,
    c16 String,
    c17 String,
    c18 String,
    c19 String,
    c20 String,
    c21 String,
    c22 String,
    c23 String,
    c24 String,
    c25 String,
    c26 String,
    c27 String,
    c28 String,
    c29 String,
    c30 String,
    c31 String,
    staged_at DateTime DEFAULT now()
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{{db}}/etl_stage_csv', '{replica}')
PARTITION BY load_id
ORDER BY n
TTL staged_at + INTERVAL 1 DAY;

CREATE TABLE IF NOT EXISTS {{db}}.etl_stage_csv ON CLUSTER '{{cluster}}' AS {{db}}.etl_stage_csv_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'etl_stage_csv_local', cityHash64(load_id));
