-- Clustered twin of single/0002. Tickets are sharded by hall so every version of a ticket meets on one shard.
CREATE TABLE IF NOT EXISTS {{db}}.dim_hall_local ON CLUSTER '{{cluster}}'
(
    hall_code String,
    hall_name String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    lon Float64,
    lat Float64,
    windows UInt16,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/dim_hall', '{replica}', src_updated_at)
ORDER BY hall_code;

CREATE TABLE IF NOT EXISTS {{db}}.dim_hall ON CLUSTER '{{cluster}}' AS {{db}}.dim_hall_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'dim_hall_local', cityHash64(hall_code));

CREATE TABLE IF NOT EXISTS {{db}}.fact_queue_ticket_local ON CLUSTER '{{cluster}}'
(
    ticket_id String,
    source LowCardinality(String),
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    hall_code LowCardinality(String),
    window_no UInt16,
    business_type LowCardinality(String),
    issued_at DateTime64(3, 'UTC'),
    called_at Nullable(DateTime64(3, 'UTC')),
    ended_at Nullable(DateTime64(3, 'UTC')),
    status LowCardinality(String),
    rating LowCardinality(String),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_queue_ticket', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(issued_at)
ORDER BY (city_code, county_code, hall_code, issued_at, ticket_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_queue_ticket ON CLUSTER '{{cluster}}' AS {{db}}.fact_queue_ticket_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_queue_ticket_local', cityHash64(hall_code));
