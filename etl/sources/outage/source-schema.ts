// The outage management system's own tables (综合停电管理), as a vendor would ship them: local wall-clock times
// as text, Chinese type and channel labels, numeric/text status codes, its own ids. The simulator writes them;
// the ETL only reads them. The SMS gateway's delivery reports arrive separately, as CSV files (GBK).
export const OUTAGE_SOURCE_DDL = [
  `CREATE TABLE IF NOT EXISTS td_outage (
     outage_id TEXT PRIMARY KEY,
     outage_type TEXT NOT NULL,
     county_code TEXT NOT NULL,
     feeder_name TEXT NOT NULL,
     area_desc TEXT NOT NULL,
     plan_start TEXT NOT NULL,
     plan_end TEXT NOT NULL,
     actual_start TEXT,
     actual_end TEXT,
     affected_count INTEGER NOT NULL,
     status TEXT NOT NULL,
     create_time TEXT NOT NULL,
     updated_at TEXT NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS td_outage_updated ON td_outage (updated_at, outage_id)`,
  `CREATE TABLE IF NOT EXISTS td_outage_customer (
     rec_id TEXT PRIMARY KEY,
     outage_id TEXT NOT NULL,
     cust_no TEXT NOT NULL,
     important_flag INTEGER NOT NULL,
     updated_at TEXT NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS td_outage_customer_updated ON td_outage_customer (updated_at, rec_id)`,
  `CREATE TABLE IF NOT EXISTS td_notice (
     notice_id TEXT PRIMARY KEY,
     outage_id TEXT NOT NULL,
     cust_no TEXT,
     channel TEXT NOT NULL,
     msg_id TEXT,
     send_time TEXT NOT NULL,
     send_result INTEGER,
     fail_desc TEXT,
     updated_at TEXT NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS td_notice_updated ON td_notice (updated_at, notice_id)`,
  `CREATE TABLE IF NOT EXISTS sim_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
];

/** td_outage.outage_type as the vendor labels it. */
export const OUTAGE_TYPE = {
  planned: '计划停电',
  temporary: '临时停电',
  peak_shifting: '错峰停电',
  fault: '故障停电',
} as const;
export type OutageType = keyof typeof OUTAGE_TYPE;

/** td_outage.status codes. */
export const OUTAGE_STATUS = { announced: '01', in_progress: '02', restored: '03', cancelled: '09' } as const;
export type OutageStatus = keyof typeof OUTAGE_STATUS;

/** td_notice.channel labels. */
export const NOTICE_CHANNEL = { sms: '短信', phone: '电话', app: 'APP', announcement: '公告' } as const;
export type NoticeChannel = keyof typeof NOTICE_CHANNEL;

/**
 * td_notice.send_result: what the outage system itself knows of a notice (a phone call answered or not, an app
 * push accepted). NULL for SMS: the gateway reports delivery later, in its own files.
 */
export const SEND_RESULT = { delivered: 1, failed: 0 } as const;

/** Columns of the SMS gateway's delivery report export (短信状态报告), in file order. */
export const SMS_REPORT_COLUMNS = ['短信ID', '手机号码', '发送时间', '报告时间', '状态报告', '失败原因'] as const;
/** The gateway's status code for a delivered message; anything else is a failure. */
export const SMS_DELIVERED = 'DELIVRD';

/**
 * Minimum notice lead time per outage type (DOMAIN §2.3): planned 7 days, temporary 24 h; peak-shifting
 * (有序用电) is announced like a temporary outage. Faults cannot be announced, so they have none and are left
 * out of the timely-notification rate.
 */
export const OUTAGE_LEAD_TIME_MS: Record<Exclude<OutageType, 'fault'>, number> = {
  planned: 7 * 86_400_000,
  temporary: 24 * 3_600_000,
  peak_shifting: 24 * 3_600_000,
};
