-- Clustered twin of single/0006. Customers are sharded by customer id, bills, payments, dunning records and
-- disconnections by their own ids, so every version of a row meets on one shard.
CREATE TABLE IF NOT EXISTS {{db}}.dim_customer_local ON CLUSTER '{{cluster}}'
(
    customer_id String,
    customer_name String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    industry LowCardinality(String),
    key_account UInt8,
    prepaid UInt8,
    bank LowCardinality(String),
    opened_on Date,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/dim_customer', '{replica}', src_updated_at)
ORDER BY customer_id;

CREATE TABLE IF NOT EXISTS {{db}}.dim_customer ON CLUSTER '{{cluster}}' AS {{db}}.dim_customer_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'dim_customer_local', cityHash64(customer_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_bill_local ON CLUSTER '{{cluster}}'
(
    bill_id String,
    customer_id String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    bill_month Date,
    amount Decimal(14, 2),
    due_date Date,
    issued_at DateTime64(3, 'UTC'),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_bill', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(bill_month)
ORDER BY (city_code, county_code, bill_month, bill_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_bill ON CLUSTER '{{cluster}}' AS {{db}}.fact_bill_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_bill_local', cityHash64(bill_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_payment_local ON CLUSTER '{{cluster}}'
(
    payment_id String,
    bill_id String,
    customer_id String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    amount Decimal(14, 2),
    paid_at DateTime64(3, 'UTC'),
    channel LowCardinality(String),
    bank LowCardinality(String),
    result LowCardinality(String),
    failure_reason LowCardinality(String),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_payment', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(paid_at)
ORDER BY (city_code, county_code, paid_at, payment_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_payment ON CLUSTER '{{cluster}}' AS {{db}}.fact_payment_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_payment_local', cityHash64(payment_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_dunning_local ON CLUSTER '{{cluster}}'
(
    dunning_id String,
    customer_id String,
    bill_id String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    dunned_at DateTime64(3, 'UTC'),
    channel LowCardinality(String),
    amount_owed Decimal(14, 2),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_dunning', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(dunned_at)
ORDER BY (city_code, county_code, dunned_at, dunning_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_dunning ON CLUSTER '{{cluster}}' AS {{db}}.fact_dunning_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_dunning_local', cityHash64(dunning_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_reconnection_local ON CLUSTER '{{cluster}}'
(
    disconnection_id String,
    customer_id String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    notice_at DateTime64(3, 'UTC'),
    disconnected_at DateTime64(3, 'UTC'),
    paid_at Nullable(DateTime64(3, 'UTC')),
    reconnected_at Nullable(DateTime64(3, 'UTC')),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_reconnection', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(disconnected_at)
ORDER BY (city_code, county_code, disconnected_at, disconnection_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_reconnection ON CLUSTER '{{cluster}}' AS {{db}}.fact_reconnection_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_reconnection_local', cityHash64(disconnection_id));
