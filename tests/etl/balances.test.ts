import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { lowBalances } from '@/server/repositories/balances';
import { findCounty } from '@/core/org/divisions';
import { listDroppedFiles } from '@/etl/connectors/file-drop';
import { chTime, formatLocal, parseLocal } from '@/core/time';
import { runEtlJob } from '@/etl/runtime/run-job';
import { BalancePlan, BalanceSimulator, balanceAccounts } from '@/etl/simulator/billing-balances';
import { planCustomers, SEASON } from '@/etl/simulator/billing-plan';
import { BillingSimulator } from '@/etl/simulator/billing-source';
import { shiftDay } from '@/etl/simulator/history';
import { source as billing } from '@/etl/sources/billing';
import { billingJobs } from '@/etl/sources/billing/jobs';
import { HEADERS } from '@/etl/sources/billing/source-schema';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 14:20:00', TZ)!;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

describe('balance simulator', () => {
  const opts = { seed: 7, tz: TZ, customers: 20_000 };
  const plan = new BalancePlan(opts);
  const times = Array.from({ length: 12 }, (_, i) => NOW - i * 7.3 * DAY);

  it('replays the same balances from the same seed, whatever was asked first, and others from another seed', () => {
    const a = plan.snapshot(NOW);
    // A fresh plan asked for a later time first generates the same cycles.
    const fresh = new BalancePlan(opts);
    fresh.snapshot(NOW + 90 * DAY);
    expect(digest(fresh.snapshot(NOW))).toBe(digest(a));
    expect(digest(new BalancePlan({ ...opts, seed: 8 }).snapshot(NOW))).not.toBe(digest(a));
  });

  it('covers the prepaid customers and some key accounts on load control', () => {
    const accounts = balanceAccounts(7, 20_000);
    const customers = planCustomers(7, 20_000);
    expect(accounts.filter((a) => a.control === 'prepaid').length).toBe(customers.filter((c) => c.prepaid).length);
    const loadControl = accounts.filter((a) => a.control === 'load_control');
    expect(loadControl.length).toBeGreaterThan(20);
    for (const a of loadControl) expect(a.customer.keyAccount).toBe(true);
    expect(loadControl.length).toBeLessThan(customers.filter((c) => c.keyAccount).length);
  });

  it('keeps a few percent at or below 20% of the expected charge at any time, key accounts among them, some negative', () => {
    const lowKeys = new Set<string>();
    let negative = 0;
    for (const at of times) {
      const snap = plan.snapshot(at);
      const low = snap.filter((s) => s.balanceCents / s.expectedCents <= 0.2);
      const share = low.length / snap.length;
      expect(share, formatLocal(at, TZ)).toBeGreaterThan(0.02);
      expect(share, formatLocal(at, TZ)).toBeLessThan(0.08);
      negative += snap.filter((s) => s.balanceCents < 0).length;
      for (const s of low) if (s.control === 'load_control') lowKeys.add(s.customerId);
      // Balances are a month or two of charge, not fortunes: the median between 0.5 and 2 months.
      const ratios = snap.map((s) => s.balanceCents / s.expectedCents).sort((x, y) => x - y);
      expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThan(0.5);
      expect(ratios[Math.floor(ratios.length / 2)]).toBeLessThan(2);
    }
    expect(lowKeys.size).toBeGreaterThan(0);
    expect(negative).toBeGreaterThan(0);
  });

  it('drains with consumption between top-ups and jumps at each top-up, in the daytime', () => {
    const from = NOW - 60 * DAY;
    let topUps = 0;
    for (const a of balanceAccounts(7, 20_000).slice(0, 60)) {
      const ups = plan.topUps(a, from, NOW);
      topUps += ups.length;
      for (const t of ups) {
        const hour = Number(formatLocal(t, TZ).slice(11, 13));
        expect(hour).toBeGreaterThanOrEqual(8);
      }
      let prev = plan.balanceOf(a, from).balanceCents;
      for (let t = from + HOUR; t <= NOW; t += HOUR) {
        const b = plan.balanceOf(a, t).balanceCents;
        const toppedUp = ups.some((u) => u > t - HOUR && u <= t);
        if (toppedUp) expect(b).toBeGreaterThan(prev);
        else expect(b).toBeLessThanOrEqual(prev);
        prev = b;
      }
    }
    // Households top up about monthly: 60 accounts over 60 days.
    expect(topUps).toBeGreaterThan(40);
    expect(topUps).toBeLessThan(240);
  });

  it('expects the customer’s median charge for the season, in whole yuan', () => {
    const month = Number(formatLocal(NOW, TZ).slice(5, 7)) - 1;
    for (const s of plan.snapshot(NOW).slice(0, 200)) {
      const c = planCustomers(7, 20_000).find((x) => x.id === s.customerId)!;
      expect(s.expectedCents % 100).toBe(0);
      expect(Math.abs(s.expectedCents - Math.max(100, c.base * SEASON[month]!))).toBeLessThanOrEqual(50);
    }
  });
});

// fact_balance keeps intraday snapshots 14 days by the engine's own clock (a TTL, applied as rows are written):
// a fixed date ages out of the table as the calendar moves on, and its rows vanish at insert. So the part that
// loads ClickHouse plays yesterday afternoon (Beijing) of the day it runs; everything else about it is fixed.
const D = formatLocal(Date.now() - DAY, TZ).slice(0, 10);
const CH_NOW = parseLocal(`${D} 14:20:00`, TZ)!;
/** A local wall-clock time of D as ClickHouse shows the stored UTC instant. */
const stored = (hhmmss: string) => chTime(parseLocal(`${D} ${hhmmss}`, TZ)!);

describe('balance snapshots into ClickHouse', () => {
  let ch: ClickHouse;
  let root: string;
  let balances: BalanceSimulator;
  let folder: { dir: string; archiveDir: string; rejectedDir: string };
  let jobs: Record<string, ReturnType<typeof billingJobs>[number]>;
  let liveFiles: string[];

  const count = async (sql: string) => (await ch.query('test.count', sql, {}, z.object({ n: z.coerce.number() })))[0]!.n;

  /** A snapshot file as it lies on disk, decoded on its own (GBK), not through the connector. */
  const readSnapshot = (file: string) =>
    iconv
      .decode(readFileSync(file), 'gbk')
      .split('\r\n')
      .slice(1)
      .filter((l) => l)
      .map((l) => {
        const [customerId, control, balance, expected, at] = l.split(',') as [string, string, string, string, string];
        return { customerId, control, balance: Number(balance), expected: Number(expected), at };
      });

  beforeAll(async () => {
    ch = await testClickHouse();
    root = mkdtempSync(path.join(tmpdir(), 'balances-'));
    folder = { dir: path.join(root, 'in'), archiveDir: path.join(root, 'archive'), rejectedDir: path.join(root, 'rejected') };
    const billing = new BillingSimulator({ seed: 7, tz: TZ, customers: 1500, dropDir: folder.dir, stateFile: path.join(root, 'b.json') });
    await billing.init();
    await billing.advanceTo(CH_NOW);
    balances = new BalanceSimulator({ seed: 7, tz: TZ, customers: 1500, dropDir: folder.dir, stateFile: path.join(root, 'bal.json') });
    await balances.init();
    await balances.advanceTo(CH_NOW);
    liveFiles = readdirSync(folder.dir)
      .filter((n) => n.startsWith('余额快照'))
      .sort();
    jobs = Object.fromEntries(billingJobs({ folder, tz: TZ, balances: true }).map((j) => [j.source, j]));
  });
  afterAll(() => dropTestClickHouse(ch));

  it('exports the current day hour by hour as GBK CSV', () => {
    // First start at 14:20: today's hours 00-13, each a snapshot at the hour's end; 14:00-15:00 not yet.
    expect(liveFiles).toEqual(Array.from({ length: 14 }, (_, h) => `余额快照_${D.replaceAll('-', '')}_${String(h).padStart(2, '0')}.csv`));
    const bytes = readFileSync(path.join(folder.dir, liveFiles[13]!));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(iconv.decode(bytes, 'gbk').split('\r\n')[0]).toBe(Object.values(HEADERS.balances).join(','));
    const rows = readSnapshot(path.join(folder.dir, liveFiles[13]!));
    expect(rows.length).toBe(balanceAccounts(7, 1500).length);
    expect(new Set(rows.map((r) => r.at))).toEqual(new Set([`${D} 14:00:00`]));
  });

  it('loads the snapshots once the customer master is in; the latest per customer is one row', async () => {
    // Balances wait while the master is still in the folder.
    expect(await runEtlJob(ch, jobs['billing.balances']!, CH_NOW)).toMatchObject({ status: 'ok', rowsRead: 0 });
    expect((await runEtlJob(ch, jobs['billing.customers']!, CH_NOW)).status).toBe('ok');
    const out = await runEtlJob(ch, jobs['billing.balances']!, CH_NOW);
    const accounts = balanceAccounts(7, 1500).length;
    expect(out).toMatchObject({ status: 'ok', rowsRead: 14 * accounts, rowsLoaded: 14 * accounts, rowsQuarantined: 0 });
    expect(await count('SELECT count() AS n FROM fact_balance FINAL')).toBe(14 * accounts);
    expect(await count('SELECT count() AS n FROM fact_balance_latest FINAL')).toBe(accounts);
    expect(await count(`SELECT count() AS n FROM fact_balance_latest FINAL WHERE snapshot_at != '${stored('14:00:00')}'`)).toBe(0);
    expect(await count(`SELECT count() AS n FROM fact_balance WHERE county_code = '' OR class = ''`)).toBe(0);
    // Only 00:00 closes a day; key accounts carried over from the master.
    expect(await count('SELECT count() AS n FROM fact_balance FINAL WHERE day_end = 1')).toBe(0);
    const keys = balanceAccounts(7, 1500).filter((a) => a.customer.keyAccount).length;
    expect(keys).toBeGreaterThan(0);
    expect(await count('SELECT count() AS n FROM fact_balance_latest FINAL WHERE key_account = 1')).toBe(keys);
  });

  it('adds nothing when run again or when the same file is dropped again under another name', async () => {
    const before = await count('SELECT count() AS n FROM fact_balance');
    expect(await runEtlJob(ch, jobs['billing.balances']!, CH_NOW)).toMatchObject({ status: 'ok', rowsRead: 0, rowsLoaded: 0 });
    copyFileSync(path.join(folder.archiveDir, liveFiles[13]!), path.join(folder.dir, '余额快照_重发.csv'));
    expect(await runEtlJob(ch, jobs['billing.balances']!, CH_NOW)).toMatchObject({ status: 'ok', rowsRead: 0, rowsLoaded: 0 });
    expect(await count('SELECT count() AS n FROM fact_balance')).toBe(before);
    const waiting = await listDroppedFiles({ ...folder, extensions: ['.csv'], encoding: 'auto' });
    expect(waiting.filter((f) => f.name.startsWith('余额快照'))).toEqual([]);
  });

  it('loads history as day-end snapshots that do not displace the latest one', async () => {
    expect(await balances.writeHistoryDay(shiftDay(D, -2, TZ))).toBeGreaterThan(0);
    expect(await balances.writeHistoryDay(shiftDay(D, -1, TZ))).toBeGreaterThan(0);
    // The first start's own day is live, not history.
    expect(await balances.writeHistoryDay(D)).toBe(0);
    const out = await runEtlJob(ch, jobs['billing.balances']!, CH_NOW);
    const accounts = balanceAccounts(7, 1500).length;
    expect(out).toMatchObject({ status: 'ok', rowsLoaded: 2 * accounts, rowsQuarantined: 0 });
    expect(await count('SELECT count() AS n FROM fact_balance FINAL WHERE day_end = 1')).toBe(2 * accounts);
    expect(await count(`SELECT count() AS n FROM fact_balance_latest FINAL WHERE snapshot_at != '${stored('14:00:00')}'`)).toBe(0);
    expect(await count('SELECT count() AS n FROM fact_balance_latest FINAL')).toBe(accounts);
  });

  it('lowBalances returns exactly the customers under the ratio in the latest file', async () => {
    const latest = readSnapshot(path.join(folder.archiveDir, liveFiles[13]!));
    const customers = new Map(planCustomers(7, 1500).map((c) => [c.id, c]));
    const cityOf = (id: string) => findCounty(customers.get(id)!.countyCode)!.cityCode;
    const expected = (ratio: number, inOrg: (id: string) => boolean, keyOnly = false) =>
      latest
        .filter((r) => inOrg(r.customerId) && (!keyOnly || customers.get(r.customerId)!.keyAccount) && r.balance / r.expected <= ratio)
        .map((r) => r.customerId)
        .sort();
    const ids = (rows: { customer_id: string }[]) => rows.map((r) => r.customer_id).sort();

    const province = await lowBalances(ch, { orgCode: '53', ratio: 0.2, limit: 100_000 });
    expect(province.length).toBeGreaterThan(3);
    expect(ids(province)).toEqual(expected(0.2, () => true));
    // The shares are 2-8 % of the accounts, as the simulator promises.
    expect(province.length / latest.length).toBeLessThan(0.1);
    // Lowest first, the figure is the ratio, every field filled.
    for (let i = 1; i < province.length; i++) expect(province[i]!.value).toBeGreaterThanOrEqual(province[i - 1]!.value);
    for (const r of province) {
      const src = latest.find((x) => x.customerId === r.customer_id)!;
      expect(r).toMatchObject({
        balance: src.balance,
        expected_charge: src.expected,
        value: src.balance / src.expected,
        snapshot_at: parseLocal(`${D} 14:00:00`, TZ),
        county_code: customers.get(r.customer_id)!.countyCode,
        city_code: cityOf(r.customer_id),
        province_code: '53',
        class: customers.get(r.customer_id)!.cls,
        key_account: customers.get(r.customer_id)!.keyAccount,
      });
      expect(r.value).toBeLessThanOrEqual(0.2);
    }

    expect(ids(await lowBalances(ch, { orgCode: '53', ratio: 0.5, limit: 100_000 }))).toEqual(expected(0.5, () => true));
    expect(ids(await lowBalances(ch, { orgCode: '53', ratio: 1, keyOnly: true, limit: 100_000 }))).toEqual(expected(1, () => true, true));
    const city = cityOf(province[0]!.customer_id);
    expect(ids(await lowBalances(ch, { orgCode: city, ratio: 0.2, limit: 100_000 }))).toEqual(expected(0.2, (id) => cityOf(id) === city));
    const county = province[0]!.county_code;
    expect(ids(await lowBalances(ch, { orgCode: county, ratio: 0.2, limit: 100_000 }))).toEqual(
      expected(0.2, (id) => customers.get(id)!.countyCode === county),
    );
    expect((await lowBalances(ch, { orgCode: '53', ratio: 0.2, limit: 2 })).map((r) => r.customer_id)).toEqual(
      province.slice(0, 2).map((r) => r.customer_id),
    );
    expect(() => lowBalances(ch, { orgCode: '5301 OR 1', ratio: 0.2, limit: 10 })).toThrow(/province, city or county/);
  });

  it('quarantines a bad date, an unknown customer, a non-numeric amount and a garbled line with their reasons', async () => {
    const [a, b] = balanceAccounts(7, 1500);
    const h = Object.values(HEADERS.balances).join(',');
    const rows = [
      `${a!.customer.id},预付费,-12.50,100.00,${D} 09:00:00`,
      `${b!.customer.id},预付费,30.00,100.00,2026-11-31 09:00:00`,
      `9999999999,预付费,30.00,100.00,${D} 09:00:00`,
      `${b!.customer.id},预付费,三十,100.00,${D} 09:00:00`,
      `${b!.customer.id},预付费,30.00,abc,${D} 09:00:00`,
      `${b!.customer.id},锟斤拷,30.00,100.00,${D} 09:00:00`,
      `${b!.customer.id},???,30.00,100.00,${D} 09:00:00`,
    ];
    writeFileSync(path.join(folder.dir, '余额快照_手工补录.csv'), iconv.encode(`${h}\r\n${rows.join('\r\n')}\r\n`, 'gbk'));
    const out = await runEtlJob(ch, jobs['billing.balances']!, CH_NOW);
    expect(out).toMatchObject({ status: 'ok', rowsRead: 7, rowsLoaded: 1, rowsQuarantined: 6 });
    const q = await ch.query(
      'test.quarantine',
      `SELECT record_key, reason FROM etl_quarantine WHERE source = 'billing.balances' AND run_id = {run:String} ORDER BY reason`,
      { run: out.runId },
      z.object({ record_key: z.string(), reason: z.string() }),
    );
    const id = b!.customer.id;
    expect(q).toEqual(
      [
        { record_key: `${id}@2026-11-31 09:00:00`, reason: 'bad date in snapshot_at: "2026-11-31 09:00:00"' },
        { record_key: `9999999999@${D} 09:00:00`, reason: 'unknown customer 9999999999' },
        { record_key: `${id}@${D} 09:00:00`, reason: 'bad amount in balance: "三十"' },
        { record_key: `${id}@${D} 09:00:00`, reason: 'bad amount in expected_charge: "abc"' },
        { record_key: `${id}@${D} 09:00:00`, reason: 'wrong encoding in control: "锟斤拷"' },
        { record_key: `${id}@${D} 09:00:00`, reason: 'wrong encoding in control: "???"' },
      ].sort((x, y) => (x.reason < y.reason ? -1 : 1)),
    );
    // The good line (an older snapshot, negative balance) is a snapshot row, but not the customer's latest.
    expect(await count(`SELECT count() AS n FROM fact_balance FINAL WHERE customer_id = '${a!.customer.id}' AND balance = -12.5`)).toBe(1);
    const [latest] = await ch.query(
      'test.latest',
      'SELECT snapshot_at FROM fact_balance_latest FINAL WHERE customer_id = {id:String}',
      { id: a!.customer.id },
      z.object({ snapshot_at: z.string() }),
    );
    expect(latest!.snapshot_at).toBe(stored('14:00:00'));
  });

  it('is configured from the sources-file entry, off unless the export exists', () => {
    const entry = {
      id: 'billing',
      kind: 'file',
      domain: 'billing',
      folder: { dir: '/d/in', archiveDir: '/d/archive', rejectedDir: '/d/rejected' },
    };
    expect(billing.jobs(billing.configSchema.parse(entry)).map((j) => j.source)).not.toContain('billing.balances');
    const on = billing.jobs(billing.configSchema.parse({ ...entry, balances: true }));
    expect(on.find((j) => j.source === 'billing.balances')!.schedule).toBe('0 */5 * * * *');
  });
});
