import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@/core/env';
import { parseLocal } from '@/core/time';
import { openSqlite, simulatorHallQueueUrl } from '@/etl/connectors/sqlite-source';
import { CTI_CDR_EXPORT_COLUMNS, CTI_CDR_PATH } from '@/etl/sources/cti/source-schema';
import { startSimulatorInChildProcess, startSimulatorInWorker } from '@/etl/simulator/in-worker';
import type { Simulator } from '@/etl/simulator/start';

// The scheduler runs the simulator in a process (or thread) of its own: the product must see the same systems,
// and what the simulator writes there must be in the source systems the ETL reads.

describe.each([
  ['process', startSimulatorInChildProcess],
  ['thread', startSimulatorInWorker],
] as const)('the simulator in its own %s', (kind, start) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), `sim-${kind}-`));
  let sim: Simulator;

  beforeAll(async () => {
    sim = await start(loadEnv({ DATA_DIR: dataDir, SIMULATOR_CUSTOMERS: '2000', SIMULATOR_HISTORY_DAYS: '3' }));
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('describes the same tasks, history systems and source addresses', () => {
    expect(sim.tasks.map((t) => t.name)).toEqual(expect.arrayContaining(['simulator.hall-queue', 'simulator.billing']));
    expect(sim.tasks.find((t) => t.name === 'simulator.hall-queue')?.feeds).toEqual(['hall-queue.']);
    expect(sim.history?.systems.map((s) => s.name)).toEqual([
      'hall-queue',
      'cti',
      'cti-agent-states',
      'workorder',
      'outage',
      'billing',
      'billing-balances',
    ]);
    expect(sim.history?.systems.find((s) => s.name === 'hall-queue')?.prepareDay).toBeTypeOf('function');
    // The CTI's lane was the hall queue's: its progress continues from there across the process boundary.
    expect(sim.history?.systems.find((s) => s.name === 'cti')).toMatchObject({ sources: ['cti.calls'], splitFrom: 'hall-queue' });
    expect(sim.history?.systems.find((s) => s.name === 'cti-agent-states')).toMatchObject({
      sources: ['cti.agent-states'],
      splitFrom: 'cti',
    });
    expect(sim.history?.systems.find((s) => s.name === 'workorder')?.prepareDay).toBeUndefined();
    // The history in bulk: the queue's, the CTI's, the work orders' and the outage system's days as export files.
    for (const name of ['hall-queue', 'cti', 'cti-agent-states', 'workorder', 'outage'])
      expect(sim.history?.systems.find((s) => s.name === name)?.exportDay, name).toBeTypeOf('function');
    expect(sim.vars.SIMULATOR_CTI_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });

  it('writes what a tick and a history day produce into the source systems the ETL reads', async () => {
    const now = parseLocal('2026-11-24 10:00:00', 'Asia/Shanghai')!;
    const written = await sim.tasks.find((t) => t.name === 'simulator.hall-queue')!.tick(now);
    expect(written).toBeGreaterThan(0);
    const since = await sim.history!.liveSince();
    expect(since).toBe(parseLocal('2026-11-23 00:00:00', 'Asia/Shanghai'));
    await sim.history!.systems.find((s) => s.name === 'hall-queue')!.prepareDay!('2026-11-20');
    const db = openSqlite(simulatorHallQueueUrl(dataDir));
    try {
      const days = await db.execute('SELECT substr(take_time, 1, 10) AS day, count(*) AS n FROM q_ticket GROUP BY day ORDER BY day');
      const byDay = Object.fromEntries(days.rows.map((r) => [String(r[0]), Number(r[1])]));
      expect(byDay['2026-11-20']).toBeGreaterThan(1000);
      expect(byDay['2026-11-23']).toBeGreaterThan(1000);
    } finally {
      db.close();
    }
    // The history in bulk: the same kind of day as an export file, written by the simulator's process or thread.
    const files = await sim.history!.systems.find((s) => s.name === 'hall-queue')!.exportDay!('2026-11-19');
    const [file] = files['hall-queue.tickets'] ?? [];
    expect(file).toBe(path.join(dataDir, 'sources', 'history-export', 'hall-queue', 'q_ticket_20261119.csv'));
    const lines = readFileSync(file!, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('ticket_id,hall_id,ticket_no,biz_type,window_no,take_time,call_time,finish_time,state,evaluation,updated_at');
    expect(lines.length).toBeGreaterThan(1000);
    expect(lines.slice(1).every((l) => l.includes('"2026-11-19 '))).toBe(true);
    const cdr = await sim.history!.systems.find((s) => s.name === 'cti')!.exportDay!('2026-11-19');
    const calls = readFileSync(cdr['cti.calls']![0]!, 'utf8').trimEnd().split('\n');
    expect(calls[0]).toBe(CTI_CDR_EXPORT_COLUMNS.join(','));
    expect(calls.length).toBeGreaterThan(1000);
    // Each call is listed on the day it ended (releaseTime, the 12th column: the last quoted time of the line).
    expect(calls.slice(1).every((l) => /"2026-11-19 [0-9:.]+","[A-Z_]+","[^"]*"$/.test(l))).toBe(true);
    // The CTI's API answers from the simulator's process or thread.
    const q = new URLSearchParams({ start: '2026-11-20 09:00:00', end: '2026-11-20 10:00:00', pageNo: '1', pageSize: '10' });
    const r = await fetch(`${sim.vars.SIMULATOR_CTI_URL}${CTI_CDR_PATH}?${q}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { data: { total: number; records: unknown[] } };
    expect(body.data.total).toBeGreaterThan(100);
    expect(body.data.records).toHaveLength(10);
  }, 120_000);

  it('answers a failed call with the simulator’s message, and refuses calls once closed', async () => {
    await expect(sim.history!.systems.find((s) => s.name === 'hall-queue')!.prepareDay!('not-a-day')).rejects.toThrow(/bad date not-a-day/);
    const closing = sim;
    await closing.close();
    await expect(closing.tasks[0]!.tick(Date.now())).rejects.toThrow(/closed/);
  }, 60_000);
});

describe('the simulator process', () => {
  it('leaves when its product process is killed, so a restarted product never finds an old one serving', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sim-orphan-'));
    const parent = spawn(process.execPath, ['--import', 'tsx', 'tests/etl/fixtures/simulator-parent.ts', dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        parent.stdout!.on('data', (b: Buffer) => b.toString().includes('simulator ready') && resolve());
        parent.once('exit', (code) => reject(new Error(`the product process exited early (${code})`)));
      });
      const children = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
      expect(children).toHaveLength(1);
      const simPid = children[0]!;
      expect(readFileSync(`/proc/${simPid}/cmdline`, 'utf8')).toContain('worker-entry.ts');
      parent.kill('SIGKILL');
      const deadline = Date.now() + 20_000;
      while (existsSync(`/proc/${simPid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${simPid}/status`, 'utf8')) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(existsSync(`/proc/${simPid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${simPid}/status`, 'utf8'))).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
