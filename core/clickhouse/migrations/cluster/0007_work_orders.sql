-- Clustered twin of single/0007. Orders and their steps are both sharded by order id, so every version of
-- an order and of its steps meets on one shard.
CREATE TABLE IF NOT EXISTS {{db}}.fact_work_order_local ON CLUSTER '{{cluster}}'
(
    order_id String,
    source LowCardinality(String),
    type LowCardinality(String),
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    area_class LowCardinality(String),
    created_at DateTime64(3, 'UTC'),
    limit_value UInt16,
    limit_unit LowCardinality(String),
    time_limit_minutes UInt32,
    arrive_due_at Nullable(DateTime64(3, 'UTC')),
    due_at DateTime64(3, 'UTC'),
    due_step LowCardinality(String),
    accepted_at Nullable(DateTime64(3, 'UTC')),
    dispatched_at Nullable(DateTime64(3, 'UTC')),
    arrived_at Nullable(DateTime64(3, 'UTC')),
    handled_at Nullable(DateTime64(3, 'UTC')),
    replied_at Nullable(DateTime64(3, 'UTC')),
    callback_at Nullable(DateTime64(3, 'UTC')),
    closed_at Nullable(DateTime64(3, 'UTC')),
    status LowCardinality(String),
    result LowCardinality(String),
    cause_tag LowCardinality(String),
    satisfaction LowCardinality(String),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_work_order', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (city_code, county_code, created_at, order_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_work_order ON CLUSTER '{{cluster}}' AS {{db}}.fact_work_order_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_work_order_local', cityHash64(order_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_work_order_step_local ON CLUSTER '{{cluster}}'
(
    order_id String,
    source LowCardinality(String),
    step LowCardinality(String),
    actor String,
    actor_name String,
    at DateTime64(3, 'UTC'),
    created_at DateTime64(3, 'UTC'),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_work_order_step', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (order_id, step);

CREATE TABLE IF NOT EXISTS {{db}}.fact_work_order_step ON CLUSTER '{{cluster}}' AS {{db}}.fact_work_order_step_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_work_order_step_local', cityHash64(order_id));
