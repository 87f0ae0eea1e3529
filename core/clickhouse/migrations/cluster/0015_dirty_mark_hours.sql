-- Clustered twin of single/0015: the marks' views on each shard's local tables, replaced whole.

DROP VIEW IF EXISTS {{db}}.mv_dirty_outage_fact_outage_customer ON CLUSTER '{{cluster}}';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_outage_customer ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'outage' AS family, toStartOfHour(src_updated_at, 'UTC') AS bucket, outage_id AS key
FROM {{db}}.fact_outage_customer_local
GROUP BY bucket, key;

DROP VIEW IF EXISTS {{db}}.mv_dirty_outage_fact_notice ON CLUSTER '{{cluster}}';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_notice ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'outage' AS family, toStartOfHour(sent_at, 'UTC') AS bucket, outage_id AS key
FROM {{db}}.fact_notice_local
GROUP BY bucket, key;

DROP VIEW IF EXISTS {{db}}.mv_dirty_outage_fact_sms_report ON CLUSTER '{{cluster}}';

CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.mv_dirty_outage_fact_sms_report ON CLUSTER '{{cluster}}' TO {{db}}.kpi_dirty_local
AS SELECT 'outage' AS family, toStartOfHour(sent_at, 'UTC') AS bucket, concat('sms:', toString(toStartOfHour(sent_at))) AS key
FROM {{db}}.fact_sms_report_local
GROUP BY bucket, key;
