-- Keyed dirty marks carry the hour of the row that made them (issue 17). The outage family's customers,
-- notices and SMS reports mark outages by id, which the refresher resolves to buckets; the mark's bucket was the
-- epoch. It is now the row's own hour, so while the history back-fill runs the refresher can tell a year-old
-- notice from today's and let the old ones wait to be recomputed together (server/kpi/rollup/refresher.ts).
-- The views are replaced whole; a restart runs migrations before any load, so no insert goes unmarked.

DROP VIEW IF EXISTS {{db}}.mv_dirty_outage_fact_outage_customer;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_outage_customer TO {{db}}.kpi_dirty
AS SELECT 'outage' AS family, toStartOfHour(src_updated_at, 'UTC') AS bucket, outage_id AS key
FROM {{db}}.fact_outage_customer
GROUP BY bucket, key;

DROP VIEW IF EXISTS {{db}}.mv_dirty_outage_fact_notice;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_notice TO {{db}}.kpi_dirty
AS SELECT 'outage' AS family, toStartOfHour(sent_at, 'UTC') AS bucket, outage_id AS key
FROM {{db}}.fact_notice
GROUP BY bucket, key;

DROP VIEW IF EXISTS {{db}}.mv_dirty_outage_fact_sms_report;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_sms_report TO {{db}}.kpi_dirty
AS SELECT 'outage' AS family, toStartOfHour(sent_at, 'UTC') AS bucket, concat('sms:', toString(toStartOfHour(sent_at))) AS key
FROM {{db}}.fact_sms_report
GROUP BY bucket, key;
