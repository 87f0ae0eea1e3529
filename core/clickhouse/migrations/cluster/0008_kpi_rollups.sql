-- Clustered twin of single/0008_kpi_rollups.
-- Clustered twin of single/0008: marks stay on the shard that took the insert; reads go through Distributed.
CREATE TABLE IF NOT EXISTS {{db}}.kpi_dirty_local ON CLUSTER '{{cluster}}'
(
    family LowCardinality(String),
    bucket DateTime('UTC'),
    key String,
    at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{{db}}/kpi_dirty', '{replica}')
ORDER BY (family, at)
TTL toDateTime(at) + INTERVAL 30 DAY;

CREATE TABLE IF NOT EXISTS {{db}}.kpi_dirty ON CLUSTER '{{cluster}}' AS {{db}}.kpi_dirty_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'kpi_dirty_local', rand());

CREATE TABLE IF NOT EXISTS {{db}}.kpi_rollup_state_local ON CLUSTER '{{cluster}}'
(
    family LowCardinality(String),
    params_hash String,
    complete UInt8,
    dirty_mark DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/kpi_rollup_state', '{replica}', updated_at)
ORDER BY family;

CREATE TABLE IF NOT EXISTS {{db}}.kpi_rollup_state ON CLUSTER '{{cluster}}' AS {{db}}.kpi_rollup_state_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'kpi_rollup_state_local', cityHash64(family));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_queue_hour_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    hall_code LowCardinality(String),
    business_type LowCardinality(String),
    issued UInt64,
    waiting UInt64,
    called UInt64,
    voided UInt64,
    no_show UInt64,
    wait_ms_sum Int64,
    wait_ms_max Int64,
    oldest_waiting Nullable(DateTime64(3, 'UTC')),
    handled UInt64,
    handle_ms_sum Int64,
    wait_over_warn UInt64,
    wait_over_alarm UInt64,
    over_threshold UInt64,
    rated UInt64,
    satisfied UInt64,
    dissatisfied UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_queue_hour', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code, hall_code, business_type);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_queue_hour ON CLUSTER '{{cluster}}' AS {{db}}.rollup_queue_hour_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_queue_hour_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_queue_hour_county_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    issued UInt64,
    waiting UInt64,
    called UInt64,
    voided UInt64,
    no_show UInt64,
    wait_ms_sum Int64,
    wait_ms_max Int64,
    oldest_waiting Nullable(DateTime64(3, 'UTC')),
    handled UInt64,
    handle_ms_sum Int64,
    wait_over_warn UInt64,
    wait_over_alarm UInt64,
    over_threshold UInt64,
    rated UInt64,
    satisfied UInt64,
    dissatisfied UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_queue_hour_county', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_queue_hour_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_queue_hour_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_queue_hour_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_queue_day_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    hall_code LowCardinality(String),
    business_type LowCardinality(String),
    issued UInt64,
    waiting UInt64,
    called UInt64,
    voided UInt64,
    no_show UInt64,
    wait_ms_sum Int64,
    wait_ms_max Int64,
    oldest_waiting Nullable(DateTime64(3, 'UTC')),
    handled UInt64,
    handle_ms_sum Int64,
    wait_over_warn UInt64,
    wait_over_alarm UInt64,
    over_threshold UInt64,
    rated UInt64,
    satisfied UInt64,
    dissatisfied UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_queue_day', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code, hall_code, business_type);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_queue_day ON CLUSTER '{{cluster}}' AS {{db}}.rollup_queue_day_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_queue_day_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_queue_day_county_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    issued UInt64,
    waiting UInt64,
    called UInt64,
    voided UInt64,
    no_show UInt64,
    wait_ms_sum Int64,
    wait_ms_max Int64,
    oldest_waiting Nullable(DateTime64(3, 'UTC')),
    handled UInt64,
    handle_ms_sum Int64,
    wait_over_warn UInt64,
    wait_over_alarm UInt64,
    over_threshold UInt64,
    rated UInt64,
    satisfied UInt64,
    dissatisfied UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_queue_day_county', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_queue_day_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_queue_day_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_queue_day_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_call_hour_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    category LowCardinality(String),
    skill_group LowCardinality(String),
    inbound UInt64,
    ivr_only UInt64,
    requested UInt64,
    short_abandon UInt64,
    manual UInt64,
    answered UInt64,
    lost UInt64,
    lost_queue UInt64,
    lost_ringing UInt64,
    blocked UInt64,
    sl_base UInt64,
    answered_in_sl UInt64,
    asa_ms_sum Int64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_call_hour', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code, category, skill_group);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_call_hour ON CLUSTER '{{cluster}}' AS {{db}}.rollup_call_hour_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_call_hour_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_call_hour_county_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    inbound UInt64,
    ivr_only UInt64,
    requested UInt64,
    short_abandon UInt64,
    manual UInt64,
    answered UInt64,
    lost UInt64,
    lost_queue UInt64,
    lost_ringing UInt64,
    blocked UInt64,
    sl_base UInt64,
    answered_in_sl UInt64,
    asa_ms_sum Int64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_call_hour_county', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_call_hour_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_call_hour_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_call_hour_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_call_day_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    category LowCardinality(String),
    skill_group LowCardinality(String),
    inbound UInt64,
    ivr_only UInt64,
    requested UInt64,
    short_abandon UInt64,
    manual UInt64,
    answered UInt64,
    lost UInt64,
    lost_queue UInt64,
    lost_ringing UInt64,
    blocked UInt64,
    sl_base UInt64,
    answered_in_sl UInt64,
    asa_ms_sum Int64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_call_day', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code, category, skill_group);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_call_day ON CLUSTER '{{cluster}}' AS {{db}}.rollup_call_day_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_call_day_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_call_day_county_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    inbound UInt64,
    ivr_only UInt64,
    requested UInt64,
    short_abandon UInt64,
    manual UInt64,
    answered UInt64,
    lost UInt64,
    lost_queue UInt64,
    lost_ringing UInt64,
    blocked UInt64,
    sl_base UInt64,
    answered_in_sl UInt64,
    asa_ms_sum Int64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_call_day_county', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_call_day_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_call_day_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_call_day_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_outage_hour_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    outage_type LowCardinality(String),
    important LowCardinality(String),
    outages AggregateFunction(uniqExact, String),
    affected UInt64,
    notified UInt64,
    timely_base UInt64,
    timely UInt64,
    unnotified UInt64,
    sms_failed Int64,
    with_sms_failure UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_outage_hour', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code, outage_type, important);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_outage_hour ON CLUSTER '{{cluster}}' AS {{db}}.rollup_outage_hour_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_outage_hour_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_outage_hour_county_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    outages AggregateFunction(uniqExact, String),
    affected UInt64,
    notified UInt64,
    timely_base UInt64,
    timely UInt64,
    unnotified UInt64,
    sms_failed Int64,
    with_sms_failure UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_outage_hour_county', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_outage_hour_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_outage_hour_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_outage_hour_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_outage_day_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    outage_type LowCardinality(String),
    important LowCardinality(String),
    outages AggregateFunction(uniqExact, String),
    affected UInt64,
    notified UInt64,
    timely_base UInt64,
    timely UInt64,
    unnotified UInt64,
    sms_failed Int64,
    with_sms_failure UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_outage_day', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code, outage_type, important);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_outage_day ON CLUSTER '{{cluster}}' AS {{db}}.rollup_outage_day_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_outage_day_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_outage_day_county_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    outages AggregateFunction(uniqExact, String),
    affected UInt64,
    notified UInt64,
    timely_base UInt64,
    timely UInt64,
    unnotified UInt64,
    sms_failed Int64,
    with_sms_failure UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_outage_day_county', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_outage_day_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_outage_day_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_outage_day_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_bill_month_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    due_date Date,
    bills UInt64,
    billed Decimal(38, 2),
    collected Decimal(38, 2),
    paid_bills UInt64,
    arrears_bills UInt64,
    outstanding Decimal(38, 2),
    arrears_customers AggregateFunction(uniqExact, String),
    key_arrears_bills UInt64,
    key_arrears_customers AggregateFunction(uniqExact, String),
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_bill_month', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code, class, due_date);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_bill_month ON CLUSTER '{{cluster}}' AS {{db}}.rollup_bill_month_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_bill_month_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_payment_hour_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    channel LowCardinality(String),
    bank LowCardinality(String),
    class LowCardinality(String),
    attempts UInt64,
    success UInt64,
    debit_attempts UInt64,
    debit_success UInt64,
    received Decimal(38, 2),
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_payment_hour', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code, channel, bank, class);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_payment_hour ON CLUSTER '{{cluster}}' AS {{db}}.rollup_payment_hour_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_payment_hour_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_payment_hour_county_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    attempts UInt64,
    success UInt64,
    debit_attempts UInt64,
    debit_success UInt64,
    received Decimal(38, 2),
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_payment_hour_county', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_payment_hour_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_payment_hour_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_payment_hour_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_payment_day_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    channel LowCardinality(String),
    bank LowCardinality(String),
    class LowCardinality(String),
    attempts UInt64,
    success UInt64,
    debit_attempts UInt64,
    debit_success UInt64,
    received Decimal(38, 2),
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_payment_day', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code, channel, bank, class);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_payment_day ON CLUSTER '{{cluster}}' AS {{db}}.rollup_payment_day_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_payment_day_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_payment_day_county_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    attempts UInt64,
    success UInt64,
    debit_attempts UInt64,
    debit_success UInt64,
    received Decimal(38, 2),
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_payment_day_county', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_payment_day_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_payment_day_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_payment_day_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_dunning_hour_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    channel LowCardinality(String),
    class LowCardinality(String),
    dunned UInt64,
    paid_within UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_dunning_hour', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code, channel, class);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_dunning_hour ON CLUSTER '{{cluster}}' AS {{db}}.rollup_dunning_hour_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_dunning_hour_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_dunning_hour_county_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    dunned UInt64,
    paid_within UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_dunning_hour_county', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_dunning_hour_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_dunning_hour_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_dunning_hour_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_dunning_day_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    channel LowCardinality(String),
    class LowCardinality(String),
    dunned UInt64,
    paid_within UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_dunning_day', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code, channel, class);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_dunning_day ON CLUSTER '{{cluster}}' AS {{db}}.rollup_dunning_day_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_dunning_day_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_dunning_day_county_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    dunned UInt64,
    paid_within UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_dunning_day_county', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_dunning_day_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_dunning_day_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_dunning_day_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_reconnection_hour_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    disconnections UInt64,
    notice_ok UInt64,
    paid UInt64,
    reconnected UInt64,
    reconnected_in_limit UInt64,
    reconnect_ms_sum Int64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_reconnection_hour', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code, class);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_reconnection_hour ON CLUSTER '{{cluster}}' AS {{db}}.rollup_reconnection_hour_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_reconnection_hour_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_reconnection_hour_county_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    disconnections UInt64,
    notice_ok UInt64,
    paid UInt64,
    reconnected UInt64,
    reconnected_in_limit UInt64,
    reconnect_ms_sum Int64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_reconnection_hour_county', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_reconnection_hour_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_reconnection_hour_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_reconnection_hour_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_reconnection_day_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    disconnections UInt64,
    notice_ok UInt64,
    paid UInt64,
    reconnected UInt64,
    reconnected_in_limit UInt64,
    reconnect_ms_sum Int64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_reconnection_day', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code, class);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_reconnection_day ON CLUSTER '{{cluster}}' AS {{db}}.rollup_reconnection_day_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_reconnection_day_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_reconnection_day_county_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    disconnections UInt64,
    notice_ok UInt64,
    paid UInt64,
    reconnected UInt64,
    reconnected_in_limit UInt64,
    reconnect_ms_sum Int64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_reconnection_day_county', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_reconnection_day_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_reconnection_day_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_reconnection_day_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_work_order_hour_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    type LowCardinality(String),
    area_class LowCardinality(String),
    orders UInt64,
    closed UInt64,
    arrive_base UInt64,
    arrive_on_time UInt64,
    done_base UInt64,
    done_on_time UInt64,
    repaired UInt64,
    repair_ms_sum Int64,
    rated UInt64,
    satisfied UInt64,
    breach UInt64,
    work_error UInt64,
    non_standard UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_work_order_hour', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code, type, area_class);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_work_order_hour ON CLUSTER '{{cluster}}' AS {{db}}.rollup_work_order_hour_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_work_order_hour_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_work_order_hour_county_local ON CLUSTER '{{cluster}}'
(
    bucket DateTime('UTC'),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    orders UInt64,
    closed UInt64,
    arrive_base UInt64,
    arrive_on_time UInt64,
    done_base UInt64,
    done_on_time UInt64,
    repaired UInt64,
    repair_ms_sum Int64,
    rated UInt64,
    satisfied UInt64,
    breach UInt64,
    work_error UInt64,
    non_standard UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_work_order_hour_county', '{replica}', version)
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_work_order_hour_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_work_order_hour_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_work_order_hour_county_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_work_order_day_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    type LowCardinality(String),
    area_class LowCardinality(String),
    orders UInt64,
    closed UInt64,
    arrive_base UInt64,
    arrive_on_time UInt64,
    done_base UInt64,
    done_on_time UInt64,
    repaired UInt64,
    repair_ms_sum Int64,
    rated UInt64,
    satisfied UInt64,
    breach UInt64,
    work_error UInt64,
    non_standard UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_work_order_day', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code, type, area_class);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_work_order_day ON CLUSTER '{{cluster}}' AS {{db}}.rollup_work_order_day_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_work_order_day_local', cityHash64(county_code));

CREATE TABLE IF NOT EXISTS {{db}}.rollup_work_order_day_county_local ON CLUSTER '{{cluster}}'
(
    bucket Date,
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    orders UInt64,
    closed UInt64,
    arrive_base UInt64,
    arrive_on_time UInt64,
    done_base UInt64,
    done_on_time UInt64,
    repaired UInt64,
    repair_ms_sum Int64,
    rated UInt64,
    satisfied UInt64,
    breach UInt64,
    work_error UInt64,
    non_standard UInt64,
    version UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/rollup_work_order_day_county', '{replica}', version)
PARTITION BY toYear(bucket)
ORDER BY (bucket, city_code, county_code);

CREATE TABLE IF NOT EXISTS {{db}}.rollup_work_order_day_county ON CLUSTER '{{cluster}}' AS {{db}}.rollup_work_order_day_county_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'rollup_work_order_day_county_local', cityHash64(county_code));

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_queue_fact_queue_ticket ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'queue' AS family, toStartOfHour(issued_at) AS bucket, '' AS key
FROM {{db}}.fact_queue_ticket_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_call_fact_call ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'call' AS family, toStartOfHour(ivr_at) AS bucket, '' AS key
FROM {{db}}.fact_call_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_outage ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'outage' AS family, toStartOfHour(planned_start) AS bucket, '' AS key
FROM {{db}}.fact_outage_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_outage_customer ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'outage' AS family, toDateTime(0, 'UTC') AS bucket, outage_id AS key
FROM {{db}}.fact_outage_customer_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_notice ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'outage' AS family, toDateTime(0, 'UTC') AS bucket, outage_id AS key
FROM {{db}}.fact_notice_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_sms_report ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'outage' AS family, toDateTime(0, 'UTC') AS bucket, concat('sms:', toString(toStartOfHour(sent_at))) AS key
FROM {{db}}.fact_sms_report_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_bill_fact_bill ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'bill' AS family, toDateTime(bill_month, 'UTC') AS bucket, '' AS key
FROM {{db}}.fact_bill_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_bill_fact_payment ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'bill' AS family, toDateTime(0, 'UTC') AS bucket, bill_id AS key
FROM {{db}}.fact_payment_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_payment_fact_payment ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'payment' AS family, toStartOfHour(paid_at) AS bucket, '' AS key
FROM {{db}}.fact_payment_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_dunning_fact_dunning ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'dunning' AS family, toStartOfHour(dunned_at) AS bucket, '' AS key
FROM {{db}}.fact_dunning_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_dunning_fact_payment ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'dunning' AS family, toDateTime(0, 'UTC') AS bucket, toString(toStartOfHour(paid_at)) AS key
FROM {{db}}.fact_payment_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_reconnection_fact_reconnection ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'reconnection' AS family, toStartOfHour(disconnected_at) AS bucket, '' AS key
FROM {{db}}.fact_reconnection_local
GROUP BY bucket, key;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_work_order_fact_work_order ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'work_order' AS family, toStartOfHour(created_at) AS bucket, '' AS key
FROM {{db}}.fact_work_order_local
GROUP BY bucket, key;
