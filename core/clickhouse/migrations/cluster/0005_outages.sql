-- Clustered twin of single/0005 (see there for why SMS delivery is a table of its own). Outages, their customers
-- and their notices are sharded by outage_id, so every version of a row meets on one shard and an outage's
-- customers and notices sit with it; SMS reports by msg_id.
CREATE TABLE IF NOT EXISTS {{db}}.fact_outage_local ON CLUSTER '{{cluster}}'
(
    outage_id String,
    source LowCardinality(String),
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    -- planned | temporary | peak_shifting | fault
    outage_type LowCardinality(String),
    feeder String,
    area String,
    created_at DateTime64(3, 'UTC'),
    planned_start DateTime64(3, 'UTC'),
    planned_end DateTime64(3, 'UTC'),
    actual_start Nullable(DateTime64(3, 'UTC')),
    actual_end Nullable(DateTime64(3, 'UTC')),
    affected_customers UInt32,
    -- announced | in_progress | restored | cancelled
    status LowCardinality(String),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_outage', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (city_code, county_code, outage_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_outage ON CLUSTER '{{cluster}}' AS {{db}}.fact_outage_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_outage_local', cityHash64(outage_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_outage_customer_local ON CLUSTER '{{cluster}}'
(
    outage_id String,
    customer_id String,
    source LowCardinality(String),
    -- 重要客户 (hospitals, water works, …): phoned as well as texted
    important UInt8,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_outage_customer', '{replica}', src_updated_at)
ORDER BY (outage_id, customer_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_outage_customer ON CLUSTER '{{cluster}}' AS {{db}}.fact_outage_customer_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_outage_customer_local', cityHash64(outage_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_notice_local ON CLUSTER '{{cluster}}'
(
    notice_id String,
    source LowCardinality(String),
    outage_id String,
    -- '' for a public announcement (张贴公告), which reaches an area, not a household
    customer_id String,
    -- sms | phone | app | announcement
    channel LowCardinality(String),
    -- the SMS gateway's message id ('' for other channels)
    msg_id String,
    sent_at DateTime64(3, 'UTC'),
    -- pending | delivered | failed
    delivery_status LowCardinality(String),
    failure_reason String,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_notice', '{replica}', src_updated_at)
ORDER BY (outage_id, notice_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_notice ON CLUSTER '{{cluster}}' AS {{db}}.fact_notice_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_notice_local', cityHash64(outage_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_sms_report_local ON CLUSTER '{{cluster}}'
(
    msg_id String,
    source LowCardinality(String),
    phone_masked String,
    sent_at DateTime64(3, 'UTC'),
    reported_at DateTime64(3, 'UTC'),
    -- delivered | failed
    delivery_status LowCardinality(String),
    -- the gateway's code: DELIVRD, UNDELIV, BLACK, …
    status_code LowCardinality(String),
    failure_reason String,
    file_name String,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_sms_report', '{replica}', src_updated_at)
ORDER BY msg_id;

CREATE TABLE IF NOT EXISTS {{db}}.fact_sms_report ON CLUSTER '{{cluster}}' AS {{db}}.fact_sms_report_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_sms_report_local', cityHash64(msg_id));
