import { randomBytes } from 'node:crypto';
import type { SqlDialect } from '@/etl/connectors/types';

// The local database servers the integration tests use (started by .ci/run), and the hall queue vendor's
// schema (etl/sources/hall-queue/source-schema.ts) written for each dialect.

export const PG_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/** How the updated-at column is stored: as the vendor's text, or as the database's own timestamp type. */
export type TimeStorage = 'text' | 'timestamp' | 'timestamptz';

function timeType(dialect: SqlDialect, storage: TimeStorage): string {
  if (storage === 'text') return dialect === 'mysql' ? 'VARCHAR(26)' : 'TEXT';
  if (dialect === 'postgresql') return storage === 'timestamp' ? 'timestamp(6)' : 'timestamptz(6)';
  if (dialect === 'mysql' && storage === 'timestamp') return 'DATETIME(6)';
  throw new Error(`${dialect} has no ${storage} storage in these tests`);
}

export function ticketTableDdl(dialect: SqlDialect, table: string, storage: TimeStorage = 'text'): string[] {
  const text = dialect === 'mysql' ? 'VARCHAR(200)' : 'TEXT';
  const key = dialect === 'mysql' ? 'VARCHAR(64)' : 'TEXT';
  const times = dialect === 'mysql' ? 'VARCHAR(26)' : 'TEXT';
  return [
    `CREATE TABLE ${table} (
       ticket_id ${key} PRIMARY KEY,
       hall_id ${key} NOT NULL,
       ticket_no ${text} NOT NULL,
       biz_type ${text} NOT NULL,
       window_no INTEGER,
       take_time ${times} NOT NULL,
       call_time ${times},
       finish_time ${times},
       state INTEGER NOT NULL,
       evaluation INTEGER,
       updated_at ${timeType(dialect, storage)} NOT NULL
     )`,
    `CREATE INDEX ${table}_updated ON ${table} (updated_at, ticket_id)`,
  ];
}

export function hallTableDdl(dialect: SqlDialect, table: string): string {
  const text = dialect === 'mysql' ? 'VARCHAR(200)' : 'TEXT';
  const key = dialect === 'mysql' ? 'VARCHAR(64)' : 'TEXT';
  const real = dialect === 'sqlite' ? 'REAL' : 'DOUBLE PRECISION';
  return `CREATE TABLE ${table} (
     hall_id ${key} PRIMARY KEY,
     hall_name ${text} NOT NULL,
     org_code ${text} NOT NULL,
     lon ${real}, lat ${real},
     window_count INTEGER NOT NULL,
     updated_at ${dialect === 'mysql' ? 'VARCHAR(26)' : 'TEXT'} NOT NULL
   )`;
}
