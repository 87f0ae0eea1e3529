-- Clustered twin of single/0009. Both tables are sharded by customer id, so every version of a customer's
-- snapshot, and of its latest one, meets on one shard.
CREATE TABLE IF NOT EXISTS {{db}}.fact_balance_local ON CLUSTER '{{cluster}}'
(
    customer_id String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    key_account UInt8,
    control LowCardinality(String),
    balance Decimal(14, 2),
    expected_charge Decimal(14, 2),
    snapshot_at DateTime64(3, 'UTC'),
    day_end UInt8,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_balance', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(snapshot_at)
ORDER BY (city_code, county_code, snapshot_at, customer_id)
TTL toDateTime(snapshot_at) + INTERVAL 14 DAY DELETE WHERE day_end = 0;

CREATE TABLE IF NOT EXISTS {{db}}.fact_balance ON CLUSTER '{{cluster}}' AS {{db}}.fact_balance_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_balance_local', cityHash64(customer_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_balance_latest_local ON CLUSTER '{{cluster}}'
(
    customer_id String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    key_account UInt8,
    control LowCardinality(String),
    balance Decimal(14, 2),
    expected_charge Decimal(14, 2),
    snapshot_at DateTime64(3, 'UTC'),
    day_end UInt8,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_balance_latest', '{replica}', snapshot_at)
ORDER BY customer_id;

CREATE TABLE IF NOT EXISTS {{db}}.fact_balance_latest ON CLUSTER '{{cluster}}' AS {{db}}.fact_balance_latest_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_balance_latest_local', cityHash64(customer_id));
