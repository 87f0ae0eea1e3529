-- 95598 call center (话务, 呼损): call detail records and agent state events from the CTI/ACD.
-- Org codes (the caller's region) are denormalised onto every call so a roll-up needs no join.
CREATE TABLE IF NOT EXISTS {{db}}.fact_call
(
    call_id String,
    source LowCardinality(String),
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    skill_group LowCardinality(String),
    category LowCardinality(String),
    ivr_at DateTime64(3, 'UTC'),
    requested_agent_at Nullable(DateTime64(3, 'UTC')),
    ring_at Nullable(DateTime64(3, 'UTC')),
    answered_at Nullable(DateTime64(3, 'UTC')),
    ended_at DateTime64(3, 'UTC'),
    -- ivr_only | answered | abandoned_queue | abandoned_ringing | blocked
    outcome LowCardinality(String),
    -- Abandoned within 5 s of asking for an agent (the default cut-off of the call-loss rate).
    short_abandon UInt8,
    agent_id String,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(ivr_at)
ORDER BY (city_code, county_code, ivr_at, call_id);

-- One row per state interval of an agent; the version with its end replaces the open one.
CREATE TABLE IF NOT EXISTS {{db}}.fact_agent_state
(
    agent_id String,
    source LowCardinality(String),
    skill_group LowCardinality(String),
    -- logged_out | ready | talking | after_call_work | away
    state LowCardinality(String),
    started_at DateTime64(3, 'UTC'),
    ended_at Nullable(DateTime64(3, 'UTC')),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (skill_group, agent_id, started_at);
