// Every table the application writes to by name. Inserts take a name from this list only, so no table
// name ever comes from user input.
export const TABLES = [
  'schema_migrations',
  'etl_run',
  'etl_watermark',
  'etl_quarantine',
  'etl_file',
  'dim_hall',
  'fact_queue_ticket',
  'fact_call',
  'fact_agent_state',
] as const;

export type TableName = (typeof TABLES)[number];
