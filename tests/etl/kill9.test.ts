import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import { parseLocal } from '@/core/time';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import { STATE } from '@/etl/sources/hall-queue/source-schema';

// The ETL's exactly-once guarantee under a hard crash: the hall-queue.tickets job writes each page's facts and
// then its watermark, so a `kill -9` anywhere must leave a state from which the next run loads every ticket once
// (re-read pages collapse in ReplacingMergeTree, nothing is skipped). The job runs in a child process on an
// on-disk chDB (the parent never opens chDB: one process per data directory), which is SIGKILLed twice at
// different points, then run to completion; ClickHouse must then hold exactly the source's tickets.

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHILD = path.join(ROOT, 'tests/etl/fixtures/etl-child.ts');
const TZ = 'Asia/Shanghai';
const PAGE_SIZE = 500; // the fixture's page size, for the bounds below

interface Verified {
  total: number;
  final: number;
  uniq: number;
  rows: [string, string][];
}

let dir: string;
const children = new Set<ChildProcess>();

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kill9-'));
});
afterAll(() => {
  // A failed assertion can leave a child holding the chDB lock; it is ours, end it by its own handle.
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the fixture; `lines` resolves on the first stdout line matching, rejects if the child exits first. */
function startChild(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) {
      for (const w of [...waiters]) {
        const m = line.match(w.re);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  });
  const line = (re: RegExp) =>
    Promise.race([
      new Promise<RegExpMatchArray>((resolve) => waiters.push({ re, resolve })),
      exited.then((code) => {
        throw new Error(`etl-child ${args.join(' ')} exited (${code}) before ${re}: ${err}`);
      }),
    ]);
  const killed = async () => {
    child.kill('SIGKILL');
    // Wait for the death itself: only then is the chDB lock free for the next process.
    await exited;
  };
  return { line, killed, exited, stderr: () => err };
}

async function verify(): Promise<Verified> {
  const c = startChild(['verify', dir]);
  const code = await c.exited;
  if (code !== 0) throw new Error(`verify failed (${code}): ${c.stderr()}`);
  return JSON.parse(readFileSync(path.join(dir, 'verify.json'), 'utf8')) as Verified;
}

const statusByCode = new Map<number, string>(Object.entries(STATE).map(([k, v]) => [v, k]));

async function sourceTickets(): Promise<[string, string][]> {
  const db = openSqlite(`file:${path.join(dir, 'hall-queue.db')}`);
  try {
    const rs = await db.execute('SELECT ticket_id, state FROM q_ticket');
    return rs.rows.map((r) => [String(r[0]), statusByCode.get(Number(r[1])) ?? `?${String(r[1])}`]);
  } finally {
    db.close();
  }
}

const byId = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

describe('hall queue ETL under kill -9', () => {
  it('loads every ticket exactly once after the job is killed mid-run twice', { timeout: 180_000 }, async () => {
    const t0 = Date.now();
    const lap = (what: string) => console.log(`[kill9] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const db = openSqlite(`file:${path.join(dir, 'hall-queue.db')}`);
    // Sunday all day (the simulator's catch-up starts the day before) and Monday up to the afternoon: ~8·10^4
    // tickets, over 150 pages of 500.
    const sim = new HallQueueSimulator(db, { seed: 11, tz: TZ, faultRate: 0 });
    await sim.init();
    const written = await sim.advanceTo(parseLocal('2026-11-23 15:00:00', TZ)!);
    db.close();
    const source = (await sourceTickets()).sort(byId);
    expect(written).toBe(source.length);
    expect(source.length).toBeGreaterThan(20_000);
    lap(`source filled (${source.length} tickets)`);

    // Kill 1: as soon as the 5th page's watermark is acknowledged. The child is already reading or inserting
    // page 6 when the signal lands, i.e. a kill at no particular point between or inside inserts.
    const first = startChild(['run', dir]);
    await first.line(/^COMMITTED 5$/);
    await first.killed();
    const afterFirst = await verify();
    lap(`killed after page 5 (${afterFirst.final} loaded)`);
    expect(afterFirst.final).toBeGreaterThanOrEqual(5 * PAGE_SIZE);
    expect(afterFirst.final).toBeLessThan(source.length);

    // Kill 2: the resumed run stops right after its 30th fact insert was acknowledged and before that page's
    // watermark: the worst case, where the rows are in ClickHouse but the watermark says they are not.
    const second = startChild(['run', dir, '30']);
    await second.line(/^PAUSED$/);
    await second.killed();
    const afterSecond = await verify();
    lap(`killed between facts and watermark of page 30 (${afterSecond.final} loaded)`);
    // The second run resumed from the first one's watermark and was cut short: partial data before the final run.
    expect(afterSecond.final).toBeGreaterThan(afterFirst.final);
    expect(afterSecond.final).toBeLessThan(source.length);
    expect(afterSecond.uniq).toBe(afterSecond.final);

    // The final run, to completion.
    const last = startChild(['run', dir]);
    const done = await last.line(/^DONE (.*)$/);
    expect(await last.exited).toBe(0);
    const outcome = JSON.parse(done[1]!) as { status: string; rowsRead: number };
    expect(outcome.status).toBe('ok');
    // It re-read at least the page whose watermark was lost (plus the lookback): duplicates were really
    // delivered to ClickHouse, so the counts below show them collapsing rather than never arriving.
    expect(outcome.rowsRead).toBeGreaterThanOrEqual(source.length - afterSecond.final + PAGE_SIZE);

    const end = await verify();
    lap(`final run done (${end.final} loaded, ${end.total} physical rows, ${outcome.rowsRead} read by the last run)`);
    expect(end.final).toBe(source.length);
    expect(end.uniq).toBe(end.final);
    // Same ids with the same status, compared as sorted lists; mismatches are reported by id, not as a huge diff.
    const loaded = [...end.rows].sort(byId);
    const diff: string[] = [];
    for (let i = 0; i < Math.max(loaded.length, source.length) && diff.length < 10; i++) {
      const [a, b] = [loaded[i], source[i]];
      if (a?.[0] !== b?.[0] || a?.[1] !== b?.[1]) diff.push(`#${i}: clickhouse ${a?.join('/')} vs source ${b?.join('/')}`);
    }
    expect(diff).toEqual([]);
  });
});
