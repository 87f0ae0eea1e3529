// What a 督办 (supervision) opened from one drill-down row is about: the record's id, its kind, and the unit
// responsible for it. Pure functions.

/** A drill-down column as `kpi.rows` returns it (only the fields read here). */
export interface DrillColumnLike {
  name: string;
  label: { zh: string; en: string };
  /** Personal data (customer ids, names, phones): never used as a supervision reference. */
  personal?: boolean;
  masked?: boolean;
}

export interface DrillSubject {
  type: 'work_order' | 'record';
  /** The record's id: the work-order number, or the family's first (id) column. */
  ref: string;
  /** The responsible unit: the row's own org column when it holds a valid code, else the alert's. */
  orgCode: string;
  /** The column the reference came from (its label names the record in the item's title). */
  column: DrillColumnLike;
}

/** The work-order family's id column. */
export const WORK_ORDER_ID = 'order_id';
/** Org columns a drill row may carry, most specific first. */
export const ORG_COLUMNS = ['hall_code', 'county_code', 'org_code'] as const;
/** Org codes as the API takes them: 2 (province), 4 (city), 6 (county) or 9 (hall) digits. */
const ORG_CODE = /^(\d{2}|\d{4}|\d{6}|\d{9})$/;
/** The supervision item's reference is at most 80 characters. */
const MAX_REF = 80;

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/**
 * The supervision subject of one drill row, or null when the row names no usable record (no id value, or
 * the id column is personal data — a customer id is not sent out as a reference, masked or not).
 * Work-order rows (with an `order_id` column) are about that work order; any other row is a 'record' named
 * by the family's first column (the drill contract puts the record id first).
 */
export function drillSubject(
  columns: readonly DrillColumnLike[],
  row: Readonly<Record<string, unknown>>,
  alertOrgCode: string,
): DrillSubject | null {
  const order = columns.find((c) => c.name === WORK_ORDER_ID);
  const column = order ?? columns[0];
  if (!column || column.personal || column.masked) return null;
  const ref = text(row[column.name]);
  if (!ref || ref.length > MAX_REF) return null;
  let orgCode = alertOrgCode;
  for (const name of ORG_COLUMNS) {
    if (!columns.some((c) => c.name === name)) continue;
    const code = text(row[name]);
    if (code && ORG_CODE.test(code)) {
      orgCode = code;
      break;
    }
  }
  return { type: order ? 'work_order' : 'record', ref, orgCode: responsibleUnit(orgCode), column };
}

/** The unit a supervision item goes to: a hall answers through its county's supply bureau (halls are not org units). */
export const responsibleUnit = (orgCode: string) => (orgCode.length > 6 ? orgCode.slice(0, 6) : orgCode);
