-- Clustered twin of single/0004. Calls are sharded by call id, agent states by agent, so every version of
-- a row meets on one shard.
CREATE TABLE IF NOT EXISTS {{db}}.fact_call_local ON CLUSTER '{{cluster}}'
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
    outcome LowCardinality(String),
    short_abandon UInt8,
    agent_id String,
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_call', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(ivr_at)
ORDER BY (city_code, county_code, ivr_at, call_id);

CREATE TABLE IF NOT EXISTS {{db}}.fact_call ON CLUSTER '{{cluster}}' AS {{db}}.fact_call_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_call_local', cityHash64(call_id));

CREATE TABLE IF NOT EXISTS {{db}}.fact_agent_state_local ON CLUSTER '{{cluster}}'
(
    agent_id String,
    source LowCardinality(String),
    skill_group LowCardinality(String),
    state LowCardinality(String),
    started_at DateTime64(3, 'UTC'),
    ended_at Nullable(DateTime64(3, 'UTC')),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{{db}}/fact_agent_state', '{replica}', src_updated_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (skill_group, agent_id, started_at);

CREATE TABLE IF NOT EXISTS {{db}}.fact_agent_state ON CLUSTER '{{cluster}}' AS {{db}}.fact_agent_state_local
ENGINE = Distributed('{{cluster}}', '{{db}}', 'fact_agent_state_local', cityHash64(agent_id));
