import type { KpiPoint, KpiQueryResult, KpiSeries } from '../kpi/query/result';
import type { PanelData, ZoneData } from './types';

// The zone answer as it travels to a screen on each refresh (wall.zoneDataPacked), and back into the very
// ZoneData the panels read. A monitoring zone's answer is mostly the same ~600 halls asked four ways, each
// point repeating its org name, range, measures and empty comparisons, and the map's hall places again each
// time: ~0.6–0.9 MB of JSON. Packed:
// - what changes only with the org tree (org names, hall places) is the `static` part, versioned by its
//   content and sent only when the screen does not hold that version;
// - figures travel as columns (one array per value, count, measure, comparison, status), a column equal to an
//   earlier one (count = value, the queue board and the map asking the same halls) is sent once and referred
//   to, a column of mostly one value (zeros, nulls) as its exceptions only, an org column as index runs;
// - nothing that is empty everywhere (buckets of totals, comparisons not asked) is sent at all.
// Pure functions, used by the server (pack) and the screens (unpack); unpack(pack(x)) equals x exactly.

export const PACK_FORMAT = 1;

/** Org names and hall places of a zone answer: what a screen fetches once and keeps while its version holds. */
export interface ZoneStatic {
  /** Content version (a hash of the rest). */
  v: string;
  /** Distinct (org code, org name) pairs, in order of first use. */
  orgs: [string, string][];
  /** Distinct hall-position maps (normally one per answer): code, lon, lat flattened. */
  places: (string | number)[][];
}

/**
 * A column of one value per point: a dense array, `{ r }` runs of consecutive integers ([start, length]
 * pairs: org indices), `{ z, i, x }` mostly `z` with the exceptions at indices `i` with values `x`, or `{ s }`
 * a string of one character per point (statuses).
 */
export type PackedColumn = unknown[] | { r: number[] } | { z: unknown; i: number[]; x: unknown[] } | { s: string };

/** One KPI series: its head, and per point column indices (into the frame's `c` table). */
export interface PackedSeries {
  k: string;
  g: KpiSeries['granularity'];
  e: KpiSeries['engine'];
  gr: KpiSeries['grain'];
  r: KpiSeries['range'];
  /** Point count. */
  n: number;
  /** Columns: org (index into static orgs), bucket (absent: all null), value, count, status. */
  o: number;
  b?: number;
  v: number;
  c: number;
  st: number;
  /** Measures and comparisons: [name, column] in the points' own key order. */
  m: [string, number][];
  cp: [string, number][];
  /** Points that do not share one shape (measure or comparison keys differ): sent whole, names and all. */
  raw?: KpiPoint[];
}

export interface PackedResult {
  /** The query key; absent when the result had none. */
  k?: string;
  o: string;
  b: string;
  g: KpiQueryResult['granularity'];
  /** Series, as indices into the frame's series table. */
  s: number[];
}

export interface PackedPanel {
  /** KPI results (absent: none). */
  k?: PackedResult[];
  /** dataAsOf: absent when equal to the answer's asOf. */
  d?: string | null;
  /** stale: 1 when true. */
  s?: 1;
  c?: PanelData['alertCounts'];
  a?: PanelData['alerts'];
  /** Hall positions: index into the static places. */
  h?: number;
  f?: PanelData['freshness'];
  r?: PanelData['refused'];
}

export interface PackedZone {
  f: typeof PACK_FORMAT;
  /** The static part the figures refer to, and the part itself when the screen does not hold that version. */
  sv: string;
  st?: ZoneStatic;
  head: Omit<ZoneData, 'panels' | 'seq'>;
  seq?: number;
  /** Distinct columns and series of the answer. */
  c: PackedColumn[];
  s: PackedSeries[];
  /** Panels in the answer's order. */
  p: [string, PackedPanel][];
}

// ---- columns ----

const STATUS_CHARS: Record<string, string> = { ok: 'o', warn: 'w', alarm: 'a' };
const STATUS_OF: Record<string, KpiPoint['status']> = { o: 'ok', w: 'warn', a: 'alarm', '-': null };

/** The shortest exact encoding of one column. */
export function packColumn(values: readonly unknown[], kind: 'any' | 'status' = 'any'): PackedColumn {
  if (kind === 'status' && values.every((v) => v === null || (typeof v === 'string' && STATUS_CHARS[v])))
    return { s: values.map((v) => (v === null ? '-' : STATUS_CHARS[v as string])).join('') };
  const dense = [...values];
  if (values.length && values.every((v) => Number.isInteger(v) && (v as number) >= 0)) {
    const r: number[] = [];
    for (const v of values as number[]) {
      const last = r.length - 2;
      if (last >= 0 && r[last]! + r[last + 1]! === v) r[last + 1]!++;
      else r.push(v, 1);
    }
    if (r.length < values.length) return { r };
  }
  // Mostly one value (0 or null): its exceptions only, when that is shorter.
  const counts = new Map<unknown, number>();
  for (const v of values) if (v === null || typeof v !== 'object') counts.set(v, (counts.get(v) ?? 0) + 1);
  let z: unknown = undefined;
  let best = 0;
  for (const [v, n] of counts) if (n > best) [z, best] = [v, n];
  if (best * 2 > values.length && values.every((v) => v === null || typeof v !== 'object')) {
    const i: number[] = [];
    const x: unknown[] = [];
    values.forEach((v, k) => {
      if (!Object.is(v, z)) {
        i.push(k);
        x.push(v);
      }
    });
    const sparse = { z, i, x };
    if (JSON.stringify(sparse).length < JSON.stringify(dense).length) return sparse;
  }
  return dense;
}

export function unpackColumn(col: PackedColumn, n: number): unknown[] {
  if (Array.isArray(col)) return col;
  if ('s' in col) return [...col.s].map((ch) => STATUS_OF[ch] ?? null);
  if ('r' in col) {
    const out: number[] = [];
    for (let k = 0; k < col.r.length; k += 2) for (let j = 0; j < col.r[k + 1]!; j++) out.push(col.r[k]! + j);
    return out;
  }
  const out = new Array<unknown>(n).fill(col.z);
  col.i.forEach((k, j) => (out[k] = col.x[j]));
  return out;
}

// ---- the static part ----

/** A short content hash (FNV-1a, 2×32 bit) of a string: the static part's version. */
export function contentVersion(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let k = 0; k < s.length; k++) {
    const ch = s.charCodeAt(k);
    a = Math.imul(a ^ ch, 0x01000193) >>> 0;
    b = Math.imul(b ^ ch, 0x5bd1e995) >>> 0;
  }
  return a.toString(36) + b.toString(36);
}

// ---- pack ----

const sameKeys = (o: object, keys: readonly string[]) => {
  const k = Object.keys(o);
  return k.length === keys.length && k.every((x, i) => x === keys[i]);
};

/** Splits a zone answer into its static part and its packed figures (the static part always included). */
export function packZone(data: ZoneData): PackedZone & { st: ZoneStatic } {
  const orgIndex = new Map<string, number>();
  const orgs: [string, string][] = [];
  const org = (code: string, name: string) => {
    const key = `${code}\u0000${name}`;
    let i = orgIndex.get(key);
    if (i === undefined) {
      i = orgs.length;
      orgs.push([code, name]);
      orgIndex.set(key, i);
    }
    return i;
  };
  const places: (string | number)[][] = [];
  const placeIndex = new Map<object, number>();
  const placeByText = new Map<string, number>();
  const place = (pos: Record<string, [number, number]>) => {
    const hit = placeIndex.get(pos);
    if (hit !== undefined) return hit;
    const flat = Object.entries(pos).flatMap(([code, [lon, lat]]) => [code, lon, lat]);
    const text = JSON.stringify(flat);
    let i = placeByText.get(text);
    if (i === undefined) {
      i = places.length;
      places.push(flat);
      placeByText.set(text, i);
    }
    placeIndex.set(pos, i);
    return i;
  };

  const columns: PackedColumn[] = [];
  const columnIndex = new Map<string, number>();
  const column = (values: readonly unknown[], kind: 'any' | 'status' = 'any') => {
    const packed = packColumn(values, kind);
    const text = JSON.stringify(packed);
    let i = columnIndex.get(text);
    if (i === undefined) {
      i = columns.length;
      columns.push(packed);
      columnIndex.set(text, i);
    }
    return i;
  };
  const series: PackedSeries[] = [];
  const seriesIndex = new Map<string, number>();
  const packSeries = (s: KpiSeries): number => {
    const pts = s.points;
    const head = { k: s.kpi, g: s.granularity, e: s.engine, gr: s.grain, r: s.range, n: pts.length };
    const mKeys = pts[0] ? Object.keys(pts[0].measures) : [];
    const cKeys = pts[0] ? Object.keys(pts[0].compare) : [];
    const uniform = pts.every(
      (p) =>
        sameKeys(p, ['orgCode', 'orgName', 'bucket', 'value', 'count', 'measures', 'compare', 'status']) &&
        sameKeys(p.measures, mKeys) &&
        sameKeys(p.compare, cKeys),
    );
    let packed: PackedSeries;
    if (!uniform) packed = { ...head, o: -1, v: -1, c: -1, st: -1, m: [], cp: [], raw: pts };
    else {
      const buckets = pts.map((p) => p.bucket);
      packed = {
        ...head,
        o: column(pts.map((p) => org(p.orgCode, p.orgName))),
        ...(buckets.some((b) => b !== null) ? { b: column(buckets) } : {}),
        v: column(pts.map((p) => p.value)),
        c: column(pts.map((p) => p.count)),
        st: column(
          pts.map((p) => p.status),
          'status',
        ),
        m: mKeys.map((k) => [k, column(pts.map((p) => p.measures[k]))]),
        cp: cKeys.map((k) => [k, column(pts.map((p) => (p.compare as Record<string, unknown>)[k]))]),
      };
    }
    const text = JSON.stringify(packed);
    let i = seriesIndex.get(text);
    if (i === undefined) {
      i = series.length;
      series.push(packed);
      seriesIndex.set(text, i);
    }
    return i;
  };

  const panels: [string, PackedPanel][] = Object.entries(data.panels).map(([id, p]) => {
    const out: PackedPanel = {};
    if (p.kpi.length)
      out.k = p.kpi.map((r) => ({
        ...('key' in r ? { k: r.key } : {}),
        o: r.orgCode,
        b: r.by,
        g: r.granularity,
        s: r.kpis.map(packSeries),
      }));
    if (p.dataAsOf !== data.asOf) out.d = p.dataAsOf;
    if (p.stale) out.s = 1;
    if (p.alertCounts) out.c = p.alertCounts;
    if (p.alerts) out.a = p.alerts;
    if (p.hallPositions) out.h = place(p.hallPositions);
    if (p.freshness) out.f = p.freshness;
    if (p.refused) out.r = p.refused;
    return [id, out];
  });
  const { panels: _panels, seq, ...head } = data;
  const body = { orgs, places };
  const st: ZoneStatic = { v: contentVersion(JSON.stringify(body)), ...body };
  return { f: PACK_FORMAT, sv: st.v, st, head, ...(seq !== undefined ? { seq } : {}), c: columns, s: series, p: panels };
}

/** The packed answer for a screen holding static version `have`: the static part left out when it holds it. */
export function forScreen(packed: PackedZone & { st: ZoneStatic }, have: string | null): PackedZone {
  if (have !== packed.sv) return packed;
  const { st: _st, ...rest } = packed;
  return rest;
}

// ---- unpack ----

/** The ZoneData a packed answer stands for, with the static part it refers to (`st`, or the one held). */
export function unpackZone(packed: PackedZone, held?: ZoneStatic | null): ZoneData {
  const st = packed.st ?? (held && held.v === packed.sv ? held : null);
  if (!st) throw new Error(`zone answer refers to static part ${packed.sv}, which this screen does not hold`);
  const places = st.places.map((flat) => {
    const pos: Record<string, [number, number]> = {};
    for (let k = 0; k < flat.length; k += 3) pos[flat[k] as string] = [flat[k + 1] as number, flat[k + 2] as number];
    return pos;
  });
  const cols = new Map<string, unknown[]>();
  const col = (i: number, n: number) => {
    const key = `${i}/${n}`;
    let v = cols.get(key);
    if (!v) cols.set(key, (v = unpackColumn(packed.c[i]!, n)));
    return v;
  };
  const seriesCache = new Map<number, KpiSeries>();
  const series = (i: number): KpiSeries => {
    const hit = seriesCache.get(i);
    if (hit) return hit;
    const s = packed.s[i]!;
    let points: KpiPoint[];
    if (s.raw) points = s.raw;
    else {
      const o = col(s.o, s.n) as number[];
      const b = s.b === undefined ? null : col(s.b, s.n);
      const v = col(s.v, s.n);
      const c = col(s.c, s.n);
      const stc = col(s.st, s.n);
      const m = s.m.map(([k, ci]) => [k, col(ci, s.n)] as const);
      const cp = s.cp.map(([k, ci]) => [k, col(ci, s.n)] as const);
      points = o.map((oi, j) => {
        const [orgCode, orgName] = st.orgs[oi]!;
        const measures: Record<string, number | null> = {};
        for (const [k, values] of m) measures[k] = values[j] as number | null;
        const compare: KpiPoint['compare'] = {};
        for (const [k, values] of cp) (compare as Record<string, unknown>)[k] = values[j];
        return {
          orgCode,
          orgName,
          bucket: b ? (b[j] as string | null) : null,
          value: v[j] as number | null,
          count: c[j] as number,
          measures,
          compare,
          status: stc[j] as KpiPoint['status'],
        };
      });
    }
    const out: KpiSeries = { kpi: s.k, granularity: s.g, engine: s.e, grain: s.gr, range: s.r, points };
    seriesCache.set(i, out);
    return out;
  };
  const panels: Record<string, PanelData> = {};
  for (const [id, p] of packed.p) {
    const out: PanelData = {
      kpi: (p.k ?? []).map((r) => ({
        ...(r.k !== undefined ? { key: r.k } : {}),
        orgCode: r.o,
        by: r.b,
        granularity: r.g,
        kpis: r.s.map(series),
      })),
      dataAsOf: p.d === undefined ? packed.head.asOf : p.d,
      stale: p.s === 1,
    };
    if (p.c) out.alertCounts = p.c;
    if (p.a) out.alerts = p.a;
    if (p.h !== undefined) out.hallPositions = places[p.h];
    if (p.f) out.freshness = p.f;
    if (p.r) out.refused = p.r;
    panels[id] = out;
  }
  return { ...packed.head, panels, ...(packed.seq !== undefined ? { seq: packed.seq } : {}) };
}
