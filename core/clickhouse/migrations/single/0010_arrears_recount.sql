-- Arrears recount (issue 12).
--
-- Dunning effectiveness counts distinct dunned customers, not dunning records (DOMAIN.md §2.4): the dunning
-- rollups gain two distinct-customer measures, placed where server/kpi/rollup/columns.ts lists them (after
-- paid_within, before version). The refresher rebuilds the family because its definition changed.
ALTER TABLE {{db}}.rollup_dunning_hour
    ADD COLUMN IF NOT EXISTS dunned_customers AggregateFunction(uniqExact, String) AFTER paid_within,
    ADD COLUMN IF NOT EXISTS paid_customers AggregateFunction(uniqExact, String) AFTER dunned_customers;

ALTER TABLE {{db}}.rollup_dunning_hour_county
    ADD COLUMN IF NOT EXISTS dunned_customers AggregateFunction(uniqExact, String) AFTER paid_within,
    ADD COLUMN IF NOT EXISTS paid_customers AggregateFunction(uniqExact, String) AFTER dunned_customers;

ALTER TABLE {{db}}.rollup_dunning_day
    ADD COLUMN IF NOT EXISTS dunned_customers AggregateFunction(uniqExact, String) AFTER paid_within,
    ADD COLUMN IF NOT EXISTS paid_customers AggregateFunction(uniqExact, String) AFTER dunned_customers;

ALTER TABLE {{db}}.rollup_dunning_day_county
    ADD COLUMN IF NOT EXISTS dunned_customers AggregateFunction(uniqExact, String) AFTER paid_within,
    ADD COLUMN IF NOT EXISTS paid_customers AggregateFunction(uniqExact, String) AFTER dunned_customers;

-- Disconnections and reconnections (family 'reconnection') are now computed from the facts only: a paid
-- case inside its reconnection limit is pending and counts once its limit has passed, which depends on
-- "now", and its disconnection and payment are dated apart. Its rollups go (derived data; nothing is lost).
DROP TABLE IF EXISTS {{db}}.rollup_reconnection_hour;
DROP TABLE IF EXISTS {{db}}.rollup_reconnection_hour_county;
DROP TABLE IF EXISTS {{db}}.rollup_reconnection_day;
DROP TABLE IF EXISTS {{db}}.rollup_reconnection_day_county;
