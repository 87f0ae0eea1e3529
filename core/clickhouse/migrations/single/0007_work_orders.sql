-- Work orders (转办工单) from the customer-service system: one row per order holding its latest state (each
-- step the API reports adds a version; FINAL or argMax over src_updated_at reads the newest), and one row per
-- step with its actor. Org codes are denormalised onto the order so a roll-up needs no join.
CREATE TABLE IF NOT EXISTS {{db}}.fact_work_order
(
    order_id String,
    source LowCardinality(String),
    -- fault_repair | complaint | opinion | arrears_reconnection | inquiry
    type LowCardinality(String),
    province_code LowCardinality(String),
    city_code LowCardinality(String),
    county_code LowCardinality(String),
    -- urban | rural | remote: picks the published commitment (on site 45 / 90 / 120 min)
    area_class LowCardinality(String),
    created_at DateTime64(3, 'UTC'),
    -- The order's limit as the source states it: limit_value in limit_unit (minutes | hours | working_days);
    -- time_limit_minutes is created_at → due_at in calendar minutes (working-day limits already resolved).
    limit_value UInt16,
    limit_unit LowCardinality(String),
    time_limit_minutes UInt32,
    -- Deadline of the first contact (crew on site, complaint contact); NULL where the order has none.
    arrive_due_at Nullable(DateTime64(3, 'UTC')),
    -- Deadline of the step named in due_step: handle (power restored, reconnected) or reply.
    due_at DateTime64(3, 'UTC'),
    due_step LowCardinality(String),
    accepted_at Nullable(DateTime64(3, 'UTC')),
    dispatched_at Nullable(DateTime64(3, 'UTC')),
    arrived_at Nullable(DateTime64(3, 'UTC')),
    handled_at Nullable(DateTime64(3, 'UTC')),
    replied_at Nullable(DateTime64(3, 'UTC')),
    callback_at Nullable(DateTime64(3, 'UTC')),
    closed_at Nullable(DateTime64(3, 'UTC')),
    -- created | accepted | dispatched | arrived | handled | replied | callback | closed
    status LowCardinality(String),
    -- resolved | partly_resolved | unresolved; '' until closed
    result LowCardinality(String),
    -- breach (违诺) | work_error (工作差错) | non_standard (工作不规范); '' when none
    cause_tag LowCardinality(String),
    -- satisfied | basically_satisfied | dissatisfied | unreachable; '' until closed
    satisfaction LowCardinality(String),
    src_updated_at DateTime64(3, 'UTC'),
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (city_code, county_code, created_at, order_id);

-- One row per step of an order: accept | dispatch | arrive | handle | reply | callback.
CREATE TABLE IF NOT EXISTS {{db}}.fact_work_order_step
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
ENGINE = ReplacingMergeTree(src_updated_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (order_id, step);
