-- Outage notification (停电通知): outages from the outage management system (综合停电), the customers each
-- affects, the notices sent to them, and the SMS gateway's delivery reports.
--
-- Delivery of a text message is its own table (fact_sms_report), joined to fact_notice on msg_id at query time,
-- rather than a newer version of the notice row: the report file and the notice come from different systems
-- on different schedules, so a report can arrive before its notice row is loaded, and a notice re-read by the
-- SQL job's lookback would (as the newer version) overwrite a status the report had set. Kept apart, each
-- table is replaced only by its own source, and the effective status of an SMS notice is
--   if(n.channel = 'sms' AND r.msg_id != '', r.delivery_status, n.delivery_status).
-- Org codes are denormalised onto the outage; customers and notices join to it by outage_id.

-- One row per outage. Ordered by its never-changing ids (a rescheduled outage changes planned_start, which must
-- not leave two versions under different keys), partitioned by when the record was created.
CREATE TABLE IF NOT EXISTS {{db}}.fact_outage
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
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (city_code, county_code, outage_id);

-- The affected customers of each outage (停电用户清单).
CREATE TABLE IF NOT EXISTS {{db}}.fact_outage_customer
(
    outage_id String,
    customer_id String,
    source LowCardinality(String),
    -- 重要客户 (hospitals, water works, …): phoned as well as texted
    important UInt8,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(src_updated_at)
ORDER BY (outage_id, customer_id);

-- Every notice attempt. delivery_status is what the outage system knows: a phone call answered or not, an app
-- push accepted; 'pending' for SMS until fact_sms_report says otherwise (see above).
CREATE TABLE IF NOT EXISTS {{db}}.fact_notice
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
ENGINE = ReplacingMergeTree(src_updated_at)
ORDER BY (outage_id, notice_id);

-- The SMS gateway's delivery reports (短信状态报告), one row per message.
CREATE TABLE IF NOT EXISTS {{db}}.fact_sms_report
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
ENGINE = ReplacingMergeTree(src_updated_at)
ORDER BY msg_id;
