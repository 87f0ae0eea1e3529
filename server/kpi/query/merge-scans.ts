import { CITIES, COUNTIES } from '@/core/org/divisions';
import type { Family, Grain } from '../families/types';
import {
  compileRollupScan,
  rollupBounds,
  rollupBucketLabel,
  rollupTimeKind,
  type Bounds,
  type CompileContext,
  type Level,
} from './compile';
import type { Part, PartRow, PlanDeps } from './plan';
import { alignedToHours, type Range } from './time';

// The batch optimiser: planned parts that read the same rollup become one scan, and the scan's rows are
// folded back into each part's rows, so the assembler cannot tell a shared scan from a part's own SQL.

/** Rows a shared rollup scan may return (orgs × stored buckets); beyond it each part aggregates on its own. */
const SCAN_MAX_ROWS = 4000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A measure folds exactly from per-bucket values in JavaScript: not distinct counts, not decimal money. */
const foldable = (f: Family, name: string) => {
  const m = f.measures[name]!;
  return m.kind !== 'uniq' && !(m.kind === 'sum' && m.decimal);
};

/**
 * Merges bounds into disjoint, sorted ones (numbers and ISO dates both compare in order). Hour ranges less
 * than a day apart become one: a few extra hours cost less than another key range, and folding skips them.
 */
function mergeBounds(all: readonly Bounds[]): Bounds[] {
  const sorted = [...all].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const out: Bounds[] = [];
  for (const b of sorted) {
    const last = out[out.length - 1];
    const near = typeof b.from === 'number' ? b.from - (last?.to as number) <= DAY_MS : last && b.from <= last.to;
    if (last && near) {
      if (b.to > last.to) last.to = b.to;
    } else out.push({ ...b });
  }
  return out;
}

function scanRows(f: Family, grain: Grain, bounds: readonly Bounds[], levels: readonly Level[], deps: PlanDeps): number {
  const width = (b: Bounds) =>
    typeof b.from === 'number'
      ? ((b.to as number) - b.from) / HOUR_MS
      : (Date.parse(b.to as string) - Date.parse(b.from)) / (grain === 'month' ? 28 * DAY_MS : DAY_MS) + 1;
  const buckets = bounds.reduce((n, b) => n + width(b), 0);
  const deepest = levels[levels.length - 1];
  const orgs =
    deepest === 'hall' ? (deps.hallNames?.size ?? 1000) : deepest === 'county' ? COUNTIES.length : deepest === 'city' ? CITIES.length : 1;
  return buckets * orgs;
}

const LEVELS = ['city', 'county', 'hall'] as const;
const scanLevels = (group: readonly Part[]): Level[] => LEVELS.filter((l) => group.some((p) => p.spec.by === l));
const scanBounds = (group: readonly Part[], grain: Grain, cal: CompileContext['cal']) =>
  mergeBounds(group.flatMap((p) => rollupBounds(p.spec.family, grain, p.spec.periods, cal)));

export interface Scan {
  sql: string;
  params: Record<string, unknown>;
  measures: readonly string[];
  parts: readonly Part[];
  kind: 'datetime' | 'date';
}

/** A row of a scan: the org path of its levels, the stored bucket, the measures in the scan's order. */
export interface ScanRow {
  org: string;
  b: string;
  m: (number | null)[];
}

/**
 * Parts that read the same rollup (family, org, filters) become one scan grouped by org and stored bucket,
 * which each part then folds into its own periods and buckets: a wall zone's tiles, ranking and curve of a
 * family cost one read of one table. Short hour-aligned frames all read the hour table. A part alone is
 * scanned too when that is small (its periods then need no per-row multiIf). Parts with distinct counts or
 * money, or too many rows, keep their own aggregate.
 */
export function mergeScans(parts: readonly Part[], deps: PlanDeps): { scans: Scan[]; own: Part[] } {
  const cal = deps.ctx.cal;
  const groups = new Map<string, Part[]>();
  const own: Part[] = [];
  for (const p of parts) {
    const { family: f, grain, measures } = p.spec;
    if (!grain || !measures.every((n) => foldable(f, n))) {
      own.push(p);
      continue;
    }
    const key = JSON.stringify([f.id, p.spec.orgCode, p.spec.filters, p.spec.county]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const scans: Scan[] = [];
  for (const members of groups.values()) {
    const f = members[0]!.spec.family;
    // One grain for all: theirs if they agree, else the hour table when every frame is whole hours and the
    // scan stays small; failing that, one scan per grain.
    const grains = [...new Set(members.map((p) => p.spec.grain!))];
    const options: [Grain, Part[]][][] = [];
    if (grains.length === 1) options.push([[grains[0]!, members]]);
    else {
      if (f.grains.includes('hour') && members.every((p) => alignedToHours(p.spec.periods as Range[]))) options.push([['hour', members]]);
      options.push(grains.map((g) => [g, members.filter((p) => p.spec.grain === g)]));
    }
    const fits = ([grain, group]: [Grain, Part[]]) =>
      scanRows(f, grain, scanBounds(group, grain, cal), scanLevels(group), deps) <= SCAN_MAX_ROWS;
    const chosen = options.find((o) => o.every(fits)) ?? options[options.length - 1]!;
    for (const [grain, group] of chosen) {
      if (!fits([grain, group])) {
        own.push(...group);
        continue;
      }
      // The part now reads this grain: its series reports the grain it was answered from.
      for (const p of group) p.spec.grain = grain;
      const measures = [...new Set(group.flatMap((p) => p.spec.measures))];
      const { sql, params } = compileRollupScan(
        {
          family: f,
          grain,
          measures,
          orgCode: group[0]!.spec.orgCode,
          levels: scanLevels(group),
          bounds: scanBounds(group, grain, cal),
          filters: group[0]!.spec.filters,
          county: !!group[0]!.spec.county,
        },
        deps.ctx,
      );
      scans.push({ sql, params, measures, parts: group, kind: rollupTimeKind(f, grain) });
    }
  }
  return { scans, own };
}

/** Folds a scan's rows (org path, stored bucket) into one part's rows (org, bucket label, period). */
export function foldScan(scan: Scan, p: Part, rows: readonly ScanRow[], cal: CompileContext['cal']): PartRow[] {
  const { family: f, grain, periods, granularity, by, orgCode } = p.spec;
  const bounds = rollupBounds(f, grain!, periods, cal);
  const levels = scanLevels(scan.parts);
  const at = by === 'total' || by === 'province' ? -1 : levels.indexOf(by);
  const index = p.spec.measures.map((n) => scan.measures.indexOf(n));
  const out = new Map<string, PartRow>();
  const labels = new Map<string, string>();
  for (const r of rows) {
    const ms = scan.kind === 'datetime' ? Date.parse(r.b.replace(' ', 'T') + 'Z') : 0;
    const v = scan.kind === 'datetime' ? ms : r.b;
    const period = bounds.findIndex((b) => v >= b.from && v < b.to);
    if (period < 0) continue;
    const org = at < 0 ? orgCode : r.org.split('|')[at]!;
    // Labels need the business date of the bucket (Intl): once per bucket, not once per org.
    let b = labels.get(r.b);
    if (b === undefined) labels.set(r.b, (b = rollupBucketLabel(r.b, ms, granularity, scan.kind, cal)));
    const key = `${org}\u0000${b}\u0000${period}`;
    let row = out.get(key);
    if (!row) {
      row = { org, b, period, m: {} };
      out.set(key, row);
    }
    p.spec.measures.forEach((name, i) => {
      const x = r.m[index[i]!] ?? null;
      const acc = row.m[name];
      switch (f.measures[name]!.kind) {
        case 'max':
          row.m[name] = acc === undefined || acc === null ? x : x === null ? acc : Math.max(acc, x);
          break;
        case 'min_time':
          row.m[name] = acc === undefined || acc === null ? x : x === null ? acc : Math.min(acc, x);
          break;
        default:
          row.m[name] = (acc ?? 0) + (x ?? 0);
      }
    });
  }
  return [...out.values()];
}
