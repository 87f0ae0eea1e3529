// Every table the application writes to by name. Inserts take a name from this list only, so no table
// name ever comes from user input.
export const TABLES = [
  'schema_migrations',
  'etl_run',
  'etl_watermark',
  'etl_quarantine',
  'etl_file',
  'etl_stage_csv',
  'etl_stage_ticket',
  'dim_hall',
  'fact_queue_ticket',
  'fact_call',
  'fact_agent_state',
  'fact_work_order',
  'fact_work_order_step',
  'fact_outage',
  'fact_outage_customer',
  'fact_notice',
  'fact_sms_report',
  'dim_customer',
  'fact_bill',
  'fact_payment',
  'fact_dunning',
  'fact_reconnection',
  'fact_balance',
  'fact_balance_latest',
  'kpi_rollup_state',
] as const;

/**
 * A load's own staging tables on one node (etl/runtime/bulk-csv.ts, openStage): a base table's columns, or a
 * load's checked rows, named after the load's id, which the code makes (32 hex digits), never input.
 */
export const STAGE_PREFIXES = [
  'etl_stage_csv_',
  'etl_stage_ticket_',
  'etl_checked_ticket_',
  'etl_checked_billing_',
  'etl_checked_workorder_',
] as const;
export type StageTableName = `${(typeof STAGE_PREFIXES)[number]}${string}`;

export type TableName = (typeof TABLES)[number] | StageTableName;

export const isStageTableName = (name: string): name is StageTableName =>
  /^(etl_stage_csv|etl_stage_ticket|etl_checked_ticket|etl_checked_billing|etl_checked_workorder)_[0-9a-f]{32}$/.test(name);
