-- Balances of the customers on fee control (费控: prepaid 预付费, load control 负控), from the marketing system's
-- balance snapshot export (余额快照), for the balance warning point (电费预警点: balance / expected charge ≤ 0.2).
-- Org codes, class and the key-account flag come from the customer master, as on every billing fact.
--
-- Every snapshot, for trends: one row per customer and snapshot time (a re-loaded file collapses). Hourly
-- snapshots are kept a fortnight; a day's closing snapshot (local midnight, day_end = 1) for good.
CREATE TABLE IF NOT EXISTS {{db}}.fact_balance
(
    customer_id String,
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    class LowCardinality(String),
    key_account UInt8,
    -- prepaid | load_control
    control LowCardinality(String),
    -- Negative once the customer owes.
    balance Decimal(14, 2),
    -- The period's expected charge (预计电费), > 0.
    expected_charge Decimal(14, 2),
    snapshot_at DateTime64(3, 'UTC'),
    day_end UInt8,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(snapshot_at)
ORDER BY (city_code, county_code, snapshot_at, customer_id)
TTL toDateTime(snapshot_at) + INTERVAL 14 DAY DELETE WHERE day_end = 0;

-- The latest snapshot per customer: one row per customer, the newest snapshot time wins whatever order the
-- files are loaded in (the history back-fill loads older days after the live ones). What the warning point
-- reads: FINAL over one row per fee-controlled customer.
CREATE TABLE IF NOT EXISTS {{db}}.fact_balance_latest
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
ENGINE = ReplacingMergeTree(snapshot_at)
ORDER BY customer_id;
