-- Business-hall queue (营业厅排队): halls and tickets from the hall queue machines (排队机, 评价器).
-- Org codes are denormalised onto every row so a roll-up to city or county needs no join.
CREATE TABLE IF NOT EXISTS {{db}}.dim_hall
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
ENGINE = ReplacingMergeTree(src_updated_at)
ORDER BY hall_code;

-- One row per ticket; a later version of the same ticket (called, served, rated) replaces the earlier one.
CREATE TABLE IF NOT EXISTS {{db}}.fact_queue_ticket
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
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(issued_at)
ORDER BY (city_code, county_code, hall_code, issued_at, ticket_id);
