import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNumber, chTimestamp } from '@/core/clickhouse/row-types';

// The balance warning point (电费预警点, DOMAIN.md §2.4): fee-controlled customers (prepaid 预付费, load control
// 负控) whose latest balance is at or below a share of the period's expected charge. Reads the latest snapshot
// per customer (fact_balance_latest, one row per customer after FINAL); the org column comes from the list
// below, every value is bound.

/** The column holding an org code of each length: province (2), city (4), county (6). */
const ORG_COLUMN_BY_LENGTH: Record<number, 'province_code' | 'city_code' | 'county_code'> = {
  2: 'province_code',
  4: 'city_code',
  6: 'county_code',
};

const lowBalanceRow = z.object({
  customer_id: z.string(),
  province_code: z.string(),
  city_code: z.string(),
  county_code: z.string(),
  class: z.string(),
  key_account: chNumber.transform((n) => n === 1),
  control: z.string(),
  /** Yuan; negative once the customer owes. */
  balance: chNumber,
  /** Yuan, > 0. */
  expected_charge: chNumber,
  /** balance / expected_charge. */
  value: chNumber,
  snapshot_at: chTimestamp,
});
export type LowBalance = z.infer<typeof lowBalanceRow>;

export interface LowBalanceQuery {
  /** Province, city or county code. */
  orgCode: string;
  /** The warning point: balance / expected charge at or below this (DOMAIN default 0.2). */
  ratio: number;
  /** Only key accounts (重点户). */
  keyOnly?: boolean;
  limit: number;
  /**
   * Snapshots older than this many hours before the newest one are left out (a customer no longer on fee
   * control keeps its last row). Default 48.
   */
  maxAgeHours?: number;
}

/** Customers whose latest balance / expected charge ≤ ratio, lowest ratio first. */
export function lowBalances(ch: ClickHouse, q: LowBalanceQuery): Promise<LowBalance[]> {
  const column = ORG_COLUMN_BY_LENGTH[q.orgCode.length];
  if (!column || !/^\d+$/.test(q.orgCode)) throw new Error(`low balances are scoped to a province, city or county, not ${q.orgCode}`);
  if (!Number.isFinite(q.ratio)) throw new Error(`ratio must be a number, not ${q.ratio}`);
  if (!Number.isInteger(q.limit) || q.limit < 1) throw new Error(`limit must be a positive integer, not ${q.limit}`);
  const maxAgeHours = q.maxAgeHours ?? 48;
  if (!Number.isInteger(maxAgeHours) || maxAgeHours < 0) throw new Error(`maxAgeHours must be a whole number, not ${maxAgeHours}`);
  return ch.query(
    'repo.balances.low',
    `SELECT customer_id, province_code, city_code, county_code, class, key_account, control,
       toFloat64(balance) AS balance, toFloat64(expected_charge) AS expected_charge,
       toFloat64(balance) / toFloat64(expected_charge) AS value, snapshot_at
     FROM fact_balance_latest FINAL
     WHERE ${column} = {org:String}
       ${q.keyOnly ? 'AND key_account = 1' : ''}
       AND expected_charge > 0
       AND snapshot_at >= (SELECT max(snapshot_at) FROM fact_balance_latest) - toIntervalHour({maxAgeHours:UInt32})
       AND value <= {ratio:Float64}
     ORDER BY value, customer_id
     LIMIT {limit:UInt32}`,
    { org: q.orgCode, ratio: q.ratio, maxAgeHours, limit: q.limit },
    lowBalanceRow,
  );
}
