-- Arrears (欠费): the marketing system's billing and collection exports (营销系统 抄核收) — customers, bills,
-- payments (incl. failed bank debits), dunning, and disconnections for arrears with their reconnection.
-- Org codes and the customer class are denormalised onto every fact so a roll-up needs no join.
CREATE TABLE IF NOT EXISTS {{db}}.dim_customer
(
    customer_id String,
    customer_name String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    -- residential | commercial | industrial | large_key
    class LowCardinality(String),
    industry LowCardinality(String),
    key_account UInt8,
    prepaid UInt8,
    -- Bank of the debit agreement (代扣), '' without one.
    bank LowCardinality(String),
    opened_on Date,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(src_updated_at)
ORDER BY customer_id;

-- One row per bill (one customer, one consumption month); a corrected re-export replaces it.
CREATE TABLE IF NOT EXISTS {{db}}.fact_bill
(
    bill_id String,
    customer_id String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    -- First day of the consumption month.
    bill_month Date,
    amount Decimal(14, 2),
    due_date Date,
    issued_at DateTime64(3, 'UTC'),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(bill_month)
ORDER BY (city_code, county_code, bill_month, bill_id);

-- One row per payment attempt: a failed bank debit is a row with result 'failed' and its reason.
CREATE TABLE IF NOT EXISTS {{db}}.fact_payment
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
    -- counter | bank_debit | app | wechat | alipay
    channel LowCardinality(String),
    bank LowCardinality(String),
    -- success | failed
    result LowCardinality(String),
    failure_reason LowCardinality(String),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(paid_at)
ORDER BY (city_code, county_code, paid_at, payment_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_dunning
(
    dunning_id String,
    customer_id String,
    bill_id String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    dunned_at DateTime64(3, 'UTC'),
    -- sms | phone | onsite | wechat
    channel LowCardinality(String),
    amount_owed Decimal(14, 2),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(dunned_at)
ORDER BY (city_code, county_code, dunned_at, dunning_id);

-- One row per disconnection for arrears (欠费停电); the version with the payment and then the reconnection
-- (欠费复电) replaces the earlier one. Reconnection time = reconnected_at - paid_at (limit 24 h).
CREATE TABLE IF NOT EXISTS {{db}}.fact_reconnection
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
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(disconnected_at)
ORDER BY (city_code, county_code, disconnected_at, disconnection_id);
