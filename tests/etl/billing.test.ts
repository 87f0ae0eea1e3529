import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { listDroppedFiles, readTabular } from '@/etl/connectors/file-drop';
import type { FileDropConfig } from '@/etl/connectors/types';
import { parseLocal } from '@/core/time';
import { runEtlJob } from '@/etl/runtime/run-job';
import { BANK_FAILURE_RATE, planBillingMonth, planCustomers, type SimBill } from '@/etl/simulator/billing-plan';
import { BillingSimulator, unpaidAt } from '@/etl/simulator/billing-source';
import { source as billing } from '@/etl/sources/billing';
import { billingJobs } from '@/etl/sources/billing/jobs';
import { BANKS, HEADERS, type BillingKind } from '@/etl/sources/billing/source-schema';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 14:20:00', TZ)!;
const DAY = 86_400_000;
const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');
const cents = (yuan: string | number) => Math.round(Number(yuan) * 100);

describe('billing simulator', () => {
  const opts = { seed: 7, tz: TZ, customers: 20_000 };
  // A month whose bills have run their whole course by NOW, and one 5 months back.
  const september = planBillingMonth(opts, '2026-09');

  it('replays the same plan from the same seed, and another from another seed', () => {
    expect(digest(planBillingMonth(opts, '2026-09'))).toBe(digest(september));
    expect(digest(planBillingMonth({ ...opts, seed: 8 }, '2026-09'))).not.toBe(digest(september));
    // The customer base does not depend on the month asked for first.
    expect(planCustomers(7, 20_000)[1234]).toEqual(planCustomers(7, 20_000)[1234]);
  });

  it('debits fail at 2-8 % by bank, the rural credit union worst', () => {
    const firstTry = september.flatMap((b) => b.payments.filter((p) => p.channel === 'bank_debit' && p.paymentId.endsWith('1')));
    const rate = new Map<string, number>();
    for (const bank of BANKS) {
      const tries = firstTry.filter((p) => p.bank === bank);
      expect(tries.length).toBeGreaterThan(500);
      rate.set(bank, tries.filter((p) => p.result === 'failed').length / tries.length);
    }
    // Chronic debtors fail more often than the bank's base rate, so allow a little above it.
    for (const bank of BANKS) {
      expect(rate.get(bank)!).toBeGreaterThan(0.012);
      expect(rate.get(bank)!).toBeLessThan(0.1);
    }
    const worst = [...rate.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(BANK_FAILURE_RATE[worst as (typeof BANKS)[number]]).toBe(Math.max(...Object.values(BANK_FAILURE_RATE)));
    for (const p of firstTry.filter((x) => x.result === 'failed')) expect(p.failureReason).not.toBe('');
  });

  it('most bills are paid by the due date, a tail is aged 30/60/90+ days', () => {
    const onTime = september.filter((b) => b.settledAt !== null && b.settledAt < b.dueEnd).length / september.length;
    expect(onTime).toBeGreaterThan(0.8);
    expect(onTime).toBeLessThan(0.95);
    const june = planBillingMonth(opts, '2026-06');
    const aged90 = june.filter((b) => unpaidAt(b, NOW) && NOW - b.dueEnd > 90 * DAY);
    expect(aged90.length).toBeGreaterThan(50);
    expect(aged90.length / june.length).toBeLessThan(0.05);
    // Businesses carry most of the aged arrears amount though most debtors are households.
    const customers = new Map(planCustomers(7, 20_000).map((c) => [c.id, c]));
    const owed = (bills: SimBill[]) => bills.reduce((s, b) => s + b.cents, 0);
    const households = aged90.filter((b) => customers.get(b.customerId)!.cls === 'residential');
    expect(households.length / aged90.length).toBeGreaterThan(0.5);
    expect(owed(households) / owed(aged90)).toBeLessThan(0.2);
    // Amounts by class: residential < commercial < industrial < large key accounts.
    const median = (cls: string) => {
      const xs = september.filter((b) => customers.get(b.customerId)!.cls === cls).map((b) => b.cents);
      return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    };
    expect(median('residential')).toBeLessThan(median('commercial'));
    expect(median('commercial')).toBeLessThan(median('industrial'));
    expect(median('industrial')).toBeLessThan(median('large_key'));
  });

  it('disconnects after a 7-day notice and reconnects within 24 h of payment, mostly', () => {
    const cuts = september.flatMap((b) => (b.disconnection ? [b.disconnection] : []));
    expect(cuts.length).toBeGreaterThan(50);
    const noticed = cuts.filter((c) => c.disconnectedAt - c.noticeAt >= 7 * DAY - 12 * 3_600_000).length / cuts.length;
    expect(noticed).toBeGreaterThan(0.9);
    const back = cuts.filter((c) => c.reconnectedAt !== null);
    const within24 = back.filter((c) => c.reconnectedAt! - c.paidAt! <= DAY).length / back.length;
    expect(within24).toBeGreaterThan(0.85);
    expect(within24).toBeLessThan(1);
  });
});

describe('billing exports into ClickHouse', () => {
  let ch: ClickHouse;
  let root: string;
  let sim: BillingSimulator;
  let drop: FileDropConfig;
  let jobs: Record<BillingKind, ReturnType<typeof billingJobs>[number]>;
  /** Payments per local day and bills per month, as the dropped files have them. */
  const fromFiles = { payments: new Map<string, { n: number; cents: number }>(), bills: new Map<string, { n: number; cents: number }>() };
  let exportFiles: string[];

  const count = async (sql: string) => (await ch.query('test.count', sql, {}, z.object({ n: z.coerce.number() })))[0]!.n;

  beforeAll(async () => {
    ch = await testClickHouse();
    root = mkdtempSync(path.join(tmpdir(), 'billing-'));
    const folder = { dir: path.join(root, 'in'), archiveDir: path.join(root, 'archive'), rejectedDir: path.join(root, 'rejected') };
    drop = { ...folder, extensions: ['.csv', '.xlsx'], encoding: 'auto' };
    sim = new BillingSimulator({ seed: 7, tz: TZ, customers: 1500, dropDir: folder.dir, stateFile: path.join(root, 'state.json') });
    await sim.init();
    await sim.advanceTo(NOW);
    const list = billingJobs({ folder, tz: TZ });
    jobs = Object.fromEntries(list.map((j) => [j.source.split('.')[1], j])) as typeof jobs;
    const files = await listDroppedFiles(drop);
    exportFiles = files.map((f) => f.name);
    for (const f of files) {
      if (f.name.startsWith('缴费流水')) {
        for (const r of await readTabular(f, drop)) {
          const day = r[HEADERS.payments.paid_at]!.slice(0, 10);
          const acc = fromFiles.payments.get(day) ?? { n: 0, cents: 0 };
          acc.n++;
          acc.cents += cents(r[HEADERS.payments.amount]!);
          fromFiles.payments.set(day, acc);
        }
      } else if (f.name.startsWith('电费账单')) {
        for (const r of await readTabular(f, drop)) {
          const month = r[HEADERS.bills.bill_month]!;
          const acc = fromFiles.bills.get(month) ?? { n: 0, cents: 0 };
          acc.n++;
          acc.cents += cents(r[HEADERS.bills.amount]!);
          fromFiles.bills.set(month, acc);
        }
      }
    }
  });
  afterAll(() => dropTestClickHouse(ch));

  it('exports a month and a half of files in the formats of the real system', () => {
    expect(exportFiles.filter((n) => n.startsWith('客户档案')).length).toBeGreaterThanOrEqual(1);
    // The two billing runs, plus the still-unpaid bills of the six months before (carried-forward arrears).
    expect(exportFiles.filter((n) => n.startsWith('电费账单'))).toEqual(
      ['202603', '202604', '202605', '202606', '202607', '202608', '202609', '202610'].map((m) => `电费账单_${m}.xlsx`),
    );
    // Closed days in one file each, today hour by hour.
    expect(exportFiles).toContain('缴费流水_20261122.csv');
    const today = exportFiles.filter((n) => /^缴费流水_20261123_\d\d\.csv$/.test(n));
    expect(today.length).toBeGreaterThan(0);
    // The hour in progress (14:00-15:00) is not exported yet.
    for (const n of exportFiles) expect(n).not.toMatch(/_20261123_14\.csv$/);
    const payments = readFileSync(path.join(drop.dir, '缴费流水_20261122.csv'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(payments)).toThrow();
    expect(iconv.decode(payments, 'gbk').split('\r\n')[0]).toBe(Object.values(HEADERS.payments).join(','));
  });

  it('makes facts wait while a customer master is still in the folder', async () => {
    const early = await runEtlJob(ch, jobs.payments, NOW);
    expect(early).toMatchObject({ status: 'ok', rowsRead: 0 });
    expect(await count('SELECT count() AS n FROM fact_payment')).toBe(0);
  });

  it('loads every export, archives it, and reconciles counts and amounts per day with the files', async () => {
    for (const kind of ['customers', 'bills', 'payments', 'dunning', 'reconnections'] as const) {
      const out = await runEtlJob(ch, jobs[kind], NOW);
      expect({ kind, status: out.status, error: out.error, quarantined: out.rowsQuarantined }).toEqual({
        kind,
        status: 'ok',
        error: undefined,
        quarantined: 0,
      });
      expect(out.rowsLoaded).toBeGreaterThan(0);
    }
    expect(await listDroppedFiles(drop)).toEqual([]);
    expect(readdirSync(drop.archiveDir).sort()).toEqual([...exportFiles].sort());
    expect(await count('SELECT uniqExact(customer_id) AS n FROM dim_customer')).toBe(1500);

    const perDay = await ch.query(
      'test.payments-per-day',
      `SELECT toString(toDate(paid_at, 'Asia/Shanghai')) AS day, count() AS n, toString(sum(amount)) AS total
       FROM fact_payment FINAL GROUP BY day ORDER BY day`,
      {},
      z.object({ day: z.string(), n: z.coerce.number(), total: z.string() }),
    );
    expect(perDay.length).toBeGreaterThan(40);
    expect(new Map(perDay.map((d) => [d.day, { n: d.n, cents: cents(d.total) }]))).toEqual(fromFiles.payments);

    const perMonth = await ch.query(
      'test.bills-per-month',
      `SELECT formatDateTime(bill_month, '%Y-%m') AS month, count() AS n, toString(sum(amount)) AS total
       FROM fact_bill FINAL GROUP BY month ORDER BY month`,
      {},
      z.object({ month: z.string(), n: z.coerce.number(), total: z.string() }),
    );
    expect(new Map(perMonth.map((d) => [d.month, { n: d.n, cents: cents(d.total) }]))).toEqual(fromFiles.bills);
    // Org codes came from the customer master onto every fact.
    expect(await count(`SELECT count() AS n FROM fact_payment WHERE county_code = '' OR class = ''`)).toBe(0);
  });

  it('computes the fee recovery rate in ClickHouse as the simulator does', async () => {
    for (const month of ['2026-09', '2026-10']) {
      const bills = sim.exportedBills(month);
      const billed = bills.reduce((s, b) => s + b.cents, 0);
      const collected = bills
        .flatMap((b) => b.payments)
        .filter((p) => p.result === 'success' && p.paidAt < sim.exportedTo!)
        .reduce((s, p) => s + p.cents, 0);
      const [row] = await ch.query(
        'test.recovery',
        `SELECT toString(b.billed) AS billed, toString(p.collected) AS collected, toFloat64(p.collected) / toFloat64(b.billed) AS rate
         FROM (SELECT sum(amount) AS billed FROM fact_bill FINAL WHERE bill_month = {m:Date}) AS b
         CROSS JOIN (SELECT sum(amount) AS collected FROM fact_payment FINAL
                     WHERE result = 'success' AND bill_id IN (SELECT bill_id FROM fact_bill FINAL WHERE bill_month = {m:Date})) AS p`,
        { m: `${month}-01` },
        z.object({ billed: z.string(), collected: z.string(), rate: z.coerce.number() }),
      );
      expect({ month, billed: cents(row!.billed), collected: cents(row!.collected) }).toEqual({ month, billed, collected });
      expect(row!.rate).toBeCloseTo(collected / billed, 9);
      // September's bills are long due: nearly all collected; October's were due three days ago.
      expect(row!.rate).toBeGreaterThan(month === '2026-09' ? 0.95 : 0.75);
      expect(row!.rate).toBeLessThan(1);
    }
  });

  it('loads nothing from the same content dropped again under another name', async () => {
    const before = await count('SELECT count() AS n FROM fact_payment');
    copyFileSync(path.join(drop.archiveDir, '缴费流水_20261122.csv'), path.join(drop.dir, '缴费流水_重发.csv'));
    const out = await runEtlJob(ch, jobs.payments, NOW);
    expect(out).toMatchObject({ status: 'ok', rowsRead: 0, rowsLoaded: 0 });
    expect(await count('SELECT count() AS n FROM fact_payment')).toBe(before);
    expect(existsSync(path.join(drop.archiveDir, '缴费流水_重发.csv'))).toBe(true);
  });

  it('quarantines a negative amount, a bad date and an unknown customer with their reasons; the rest loads', async () => {
    const customer = planCustomers(7, 1500)[0]!.id;
    const h = Object.values(HEADERS.payments).join(',');
    const rows = [
      `PX0001,202610${customer},${customer},88.50,2026-11-23 14:05:00,微信,,成功,`,
      `PX0002,202610${customer},${customer},-12.30,2026-11-23 14:06:00,柜台,,成功,`,
      `PX0003,202610${customer},${customer},20.00,2026-11-31 14:07:00,支付宝,,成功,`,
      `PX0004,2026109999999999,9999999999,20.00,2026-11-23 14:08:00,支付宝,,成功,`,
      `PX0005,202610${customer},${customer},88.50,2026-11-23 14:09:00,银行代扣,云南农信,失败,余额不足`,
    ];
    writeFileSync(path.join(drop.dir, '缴费流水_手工补录.csv'), iconv.encode(`${h}\r\n${rows.join('\r\n')}\r\n`, 'gbk'));
    const out = await runEtlJob(ch, jobs.payments, NOW);
    expect(out).toMatchObject({ status: 'ok', rowsRead: 5, rowsLoaded: 2, rowsQuarantined: 3 });
    const q = await ch.query(
      'test.quarantine',
      `SELECT record_key, reason FROM etl_quarantine WHERE source = 'billing.payments' AND run_id = {run:String} ORDER BY record_key`,
      { run: out.runId },
      z.object({ record_key: z.string(), reason: z.string() }),
    );
    expect(q).toEqual([
      { record_key: 'PX0002', reason: 'negative amount in amount: -12.30' },
      { record_key: 'PX0003', reason: 'bad date in paid_at: "2026-11-31 14:07:00"' },
      { record_key: 'PX0004', reason: 'unknown customer 9999999999' },
    ]);
    const loaded = await ch.query(
      'test.loaded',
      `SELECT payment_id, toString(amount) AS amount, channel, result, failure_reason FROM fact_payment FINAL
       WHERE payment_id LIKE 'PX%' ORDER BY payment_id`,
      {},
      z.object({ payment_id: z.string(), amount: z.string(), channel: z.string(), result: z.string(), failure_reason: z.string() }),
    );
    expect(loaded).toEqual([
      { payment_id: 'PX0001', amount: '88.5', channel: 'wechat', result: 'success', failure_reason: '' },
      { payment_id: 'PX0005', amount: '88.5', channel: 'bank_debit', result: 'failed', failure_reason: '余额不足' },
    ]);
  });

  it('rejects a garbage file with a reason file, and a file without the columns', async () => {
    writeFileSync(path.join(drop.dir, '缴费流水_损坏.csv'), Buffer.concat([Buffer.from('504b0304', 'hex'), randomBytes(4096)]));
    writeFileSync(path.join(drop.dir, '电费账单_错表.csv'), '户号,金额\r\n0102000001,12.00\r\n');
    expect((await runEtlJob(ch, jobs.payments, NOW)).status).toBe('ok');
    expect((await runEtlJob(ch, jobs.bills, NOW)).status).toBe('ok');
    expect(readFileSync(path.join(drop.rejectedDir, '缴费流水_损坏.csv.reason.txt'), 'utf8')).toMatch(/not UTF-8 or GBK text/);
    expect(readFileSync(path.join(drop.rejectedDir, '电费账单_错表.csv.reason.txt'), 'utf8')).toMatch(/missing columns 账单编号/);
    expect(
      await count(`SELECT count() AS n FROM etl_file FINAL WHERE source IN ('billing.payments', 'billing.bills') AND status = 'rejected'`),
    ).toBe(2);
    expect(await listDroppedFiles(drop)).toEqual([]);
  });

  it('keeps exporting from where it stopped', async () => {
    const again = new BillingSimulator({ seed: 7, tz: TZ, customers: 1500, dropDir: drop.dir, stateFile: path.join(root, 'state.json') });
    await again.init();
    expect(again.exportedTo).toBe(sim.exportedTo);
    await again.advanceTo(NOW + 2 * 3_600_000);
    expect(again.exportedTo).toBe(parseLocal('2026-11-23 16:00:00', TZ));
    const names = (await listDroppedFiles(drop)).map((f) => f.name);
    expect(names).toContain('缴费流水_20261123_14.csv');
    for (const n of names) expect(n).toMatch(/_20261123_1[45]\.csv$/);
  });

  it('builds its jobs from a sources-file entry', () => {
    const entry = billing.configSchema.parse({
      id: 'billing',
      kind: 'file',
      domain: 'billing',
      folder: { dir: '/d/in', archiveDir: '/d/archive', rejectedDir: '/d/rejected' },
      schedules: { payments: '0 */10 * * * *' },
    });
    const built = billing.jobs(entry);
    expect(built.map((j) => [j.source, j.schedule])).toEqual([
      ['billing.customers', '0 30 2 * * *'],
      ['billing.bills', '0 30 2 * * *'],
      ['billing.payments', '0 */10 * * * *'],
      ['billing.dunning', '0 */5 * * * *'],
      ['billing.reconnections', '0 */5 * * * *'],
    ]);
    expect(() => billing.configSchema.parse({ ...entry, kind: 'sql' })).toThrow();
  });
});
