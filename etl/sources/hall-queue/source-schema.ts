// The hall queue system's own tables (排队叫号系统), as a vendor would ship them: local wall-clock times as
// text, numeric state codes, its own ids. The simulator writes them; the ETL only reads them.
export const HALL_QUEUE_SOURCE_DDL = [
  `CREATE TABLE IF NOT EXISTS q_hall (
     hall_id TEXT PRIMARY KEY,
     hall_name TEXT NOT NULL,
     org_code TEXT NOT NULL,
     lon REAL, lat REAL,
     window_count INTEGER NOT NULL,
     updated_at TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS q_ticket (
     ticket_id TEXT PRIMARY KEY,
     hall_id TEXT NOT NULL,
     ticket_no TEXT NOT NULL,
     biz_type TEXT NOT NULL,
     window_no INTEGER,
     take_time TEXT NOT NULL,
     call_time TEXT,
     finish_time TEXT,
     state INTEGER NOT NULL,
     evaluation INTEGER,
     updated_at TEXT NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS q_ticket_updated ON q_ticket (updated_at, ticket_id)`,
  `CREATE TABLE IF NOT EXISTS sim_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
];

/** q_ticket's columns in table order: what the simulator writes, the row path reads (its quarantined raw rows keep that order). */
export const TICKET_COLUMNS = [
  'ticket_id',
  'hall_id',
  'ticket_no',
  'biz_type',
  'window_no',
  'take_time',
  'call_time',
  'finish_time',
  'state',
  'evaluation',
  'updated_at',
] as const;

/** q_ticket.state codes. */
export const STATE = { waiting: 0, serving: 1, served: 2, no_show: 3, voided: 4 } as const;
/** q_ticket.evaluation codes (评价器 buttons). */
export const EVALUATION = { satisfied: 1, basically_satisfied: 2, dissatisfied: 3 } as const;
/** q_ticket.biz_type as the vendor labels it. */
export const BIZ_TYPE = {
  fee: '收费',
  new_connection: '业扩报装',
  change: '变更用电',
  inquiry: '业务咨询',
  repair: '故障报修',
  other: '其他',
} as const;
