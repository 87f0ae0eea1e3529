import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// One bench table: each bench script records its figures under bench/results/<bench>.json, each beside the
// baseline it measured in the same run; `bench/report.ts` merges them into bench/results/latest.json and
// prints one table. Figures are never asserted: an aim is stated and the figure says whether it is met.

export interface Figure {
  /** Stable id, e.g. `etl.billing.payments.bulk`. */
  id: string;
  /** What was measured, in words (English; the README explains each). */
  measure: string;
  value: number;
  unit: string;
  /** The same-run baseline it is read against (a bare read, raw SQL over the facts, PostgreSQL, …). */
  baseline?: { label: string; value: number; unit: string };
  /** value ÷ baseline, or baseline ÷ value when smaller is better (`better: 'lower'`). */
  ratio?: number;
  /** Further same-run baselines (the KPI figures: raw SQL over the facts, then PostgreSQL), each with its ratio. */
  also?: { label: string; value: number; unit: string; ratio?: number }[];
  better: 'higher' | 'lower';
  /** The issue's aim in the same unit, and whether the figure meets it. */
  aim?: { value: number; met: boolean };
  /** Data scale the figure was taken at (1 = province demo, 10 = ten times that). */
  scale?: number;
  note?: string;
}

export const RESULTS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'results');

function ratioOf(value: number, baseline: number | undefined, better: Figure['better']): number | undefined {
  if (baseline === undefined || !(baseline > 0) || !(value > 0)) return undefined;
  return Math.round((better === 'higher' ? value / baseline : baseline / value) * 100) / 100;
}

export function figure(
  f: Omit<Figure, 'ratio' | 'aim' | 'also'> & { aim?: number; also?: { label: string; value: number; unit: string }[] },
): Figure {
  const { aim, also, ...rest } = f;
  const ratio = ratioOf(f.value, f.baseline?.value, f.better);
  return {
    ...rest,
    ...(ratio !== undefined ? { ratio } : {}),
    ...(also?.length ? { also: also.map((b) => ({ ...b, ratio: ratioOf(f.value, b.value, f.better) })) } : {}),
    ...(aim !== undefined ? { aim: { value: aim, met: f.better === 'higher' ? f.value >= aim : f.value <= aim } } : {}),
  };
}

export interface BenchRecord {
  bench: string;
  at: string;
  machine: { cpus: number; memGb: number; node: string; load1: number };
  figures: Figure[];
}

/** Writes (replaces) one bench script's figures. */
export function recordFigures(bench: string, figures: Figure[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const rec: BenchRecord = {
    bench,
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      memGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      load1: Math.round(os.loadavg()[0]! * 100) / 100,
    },
    figures,
  };
  writeFileSync(path.join(RESULTS_DIR, `${bench}.json`), JSON.stringify(rec, null, 2) + '\n');
}

export function readRecords(): BenchRecord[] {
  let names: string[] = [];
  try {
    names = readdirSync(RESULTS_DIR).filter((n) => n.endsWith('.json') && n !== 'latest.json');
  } catch {
    return [];
  }
  return names.sort().map((n) => JSON.parse(readFileSync(path.join(RESULTS_DIR, n), 'utf8')) as BenchRecord);
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100));
const cell = (s: string) => s.replaceAll('|', '\\|');

function baselines(f: Figure): string {
  const all = [...(f.baseline ? [{ ...f.baseline, ratio: f.ratio }] : []), ...(f.also ?? [])];
  if (all.length === 0) return '—';
  return all.map((b, i) => `${b.label}: ${fmt(b.value)} ${b.unit}${i > 0 && b.ratio !== undefined ? ` (${b.ratio}×)` : ''}`).join('; ');
}

/** One row per figure: value, same-run baselines (ratio to the first in its own column, to the others beside them), aim. */
export function tableLines(records: BenchRecord[]): string[] {
  const lines = ['| bench | measure | scale | value | baseline (same run) | ratio | aim |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of records)
    for (const f of r.figures)
      lines.push(
        `| ${r.bench} | ${cell(f.measure)} | ${f.scale !== undefined ? `${f.scale}×` : ''} | ${fmt(f.value)} ${f.unit} | ${cell(baselines(f))} | ${f.ratio !== undefined ? `${f.ratio}×` : '—'} | ${f.aim ? `${f.better === 'higher' ? '≥' : '≤'} ${fmt(f.aim.value)} ${f.aim.met ? 'met' : 'NOT met'}` : ''} |`,
      );
  return lines;
}

/** Figures taken at more than one scale, side by side: how each grows with the data. */
export function growthLines(records: BenchRecord[]): string[] {
  const byId = new Map<string, Figure[]>();
  for (const f of records.flatMap((r) => r.figures)) if (f.scale !== undefined) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  const grown = [...byId.entries()].filter(([, fs]) => new Set(fs.map((f) => f.scale)).size > 1);
  if (grown.length === 0) return [];
  const lines = ['| figure | by scale | growth, smallest → largest scale |', '| --- | --- | --- |'];
  for (const [id, fs] of grown) {
    const s = [...fs].sort((a, b) => a.scale! - b.scale!);
    const first = s[0]!;
    const last = s[s.length - 1]!;
    const all = (f: Figure) => [...(f.baseline ? [f.baseline] : []), ...(f.also ?? [])];
    const base = (f: Figure) =>
      all(f).length
        ? ` (${all(f)
            .map((b) => `${b.label.split(',')[0]}: ${fmt(b.value)}`)
            .join('; ')})`
        : '';
    lines.push(
      `| ${id} (${first.unit}) | ${s.map((f) => `${f.scale}×: ${fmt(f.value)}${base(f)}`).join('; ')} | ${first.value > 0 ? `${fmt(last.value / first.value)}× for ${fmt(last.scale! / first.scale!)}× the data` : '—'} |`,
    );
  }
  return lines;
}
