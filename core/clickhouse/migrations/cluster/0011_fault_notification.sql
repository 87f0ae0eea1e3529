-- Fault outage notification on time (issue 12, finding 8; DOMAIN.md §2.3).
--
-- Fault outages cannot be announced, so they stay out of the timely-notification rate and have their own:
-- customers notified within N minutes after the power went / customers of fault outages whose power has
-- gone. The outage rollups gain the two counts, placed where server/kpi/rollup/columns.ts lists them (after
-- with_sms_failure, before version). The refresher rebuilds the family because its definition changed.
ALTER TABLE {{db}}.rollup_outage_hour_local ON CLUSTER '{{cluster}}'
    ADD COLUMN IF NOT EXISTS fault_base UInt64 AFTER with_sms_failure,
    ADD COLUMN IF NOT EXISTS fault_timely UInt64 AFTER fault_base;

ALTER TABLE {{db}}.rollup_outage_hour ON CLUSTER '{{cluster}}'
    ADD COLUMN IF NOT EXISTS fault_base UInt64 AFTER with_sms_failure,
    ADD COLUMN IF NOT EXISTS fault_timely UInt64 AFTER fault_base;

ALTER TABLE {{db}}.rollup_outage_hour_county_local ON CLUSTER '{{cluster}}'
    ADD COLUMN IF NOT EXISTS fault_base UInt64 AFTER with_sms_failure,
    ADD COLUMN IF NOT EXISTS fault_timely UInt64 AFTER fault_base;

ALTER TABLE {{db}}.rollup_outage_hour_county ON CLUSTER '{{cluster}}'
    ADD COLUMN IF NOT EXISTS fault_base UInt64 AFTER with_sms_failure,
    ADD COLUMN IF NOT EXISTS fault_timely UInt64 AFTER fault_base;

ALTER TABLE {{db}}.rollup_outage_day_local ON CLUSTER '{{cluster}}'
    ADD COLUMN IF NOT EXISTS fault_base UInt64 AFTER with_sms_failure,
    ADD COLUMN IF NOT EXISTS fault_timely UInt64 AFTER fault_base;

ALTER TABLE {{db}}.rollup_outage_day ON CLUSTER '{{cluster}}'
    ADD COLUMN IF NOT EXISTS fault_base UInt64 AFTER with_sms_failure,
    ADD COLUMN IF NOT EXISTS fault_timely UInt64 AFTER fault_base;

ALTER TABLE {{db}}.rollup_outage_day_county_local ON CLUSTER '{{cluster}}'
    ADD COLUMN IF NOT EXISTS fault_base UInt64 AFTER with_sms_failure,
    ADD COLUMN IF NOT EXISTS fault_timely UInt64 AFTER fault_base;

ALTER TABLE {{db}}.rollup_outage_day_county ON CLUSTER '{{cluster}}'
    ADD COLUMN IF NOT EXISTS fault_base UInt64 AFTER with_sms_failure,
    ADD COLUMN IF NOT EXISTS fault_timely UInt64 AFTER fault_base;
