import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { formatLocal, parseLocal } from '@/core/time';
import { decodeText } from '@/etl/connectors/file-drop';
import { frameCsv, scanCsv } from '@/etl/runtime/bulk-csv';
import type { JobContext } from '@/etl/runtime/job';
import { billingJobs } from '@/etl/sources/billing/jobs';
import { HEADERS, type BillingKind } from '@/etl/sources/billing/source-schema';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// Issue 17: the bulk path (CSV staged in ClickHouse, checked as set operations) against the row path it
// replaces. The same drops go through both into two databases, with the same run id and clock: the fact
// rows, the quarantine (key, reason, raw line), the file ledger and the folders must come out identical.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 14:20:00', TZ)!;
const RUN = '0b7e2a4c-5d1f-4e63-9a8b-1c2d3e4f5a6b';
const C1 = '0102000001';
const C2 = '0102000002';

const csv = (kind: BillingKind, rows: string[]) => `${Object.values(HEADERS[kind]).join(',')}\r\n${rows.join('\r\n')}\r\n`;
const gbk = (text: string) => iconv.encode(text, 'gbk');

const CUSTOMERS = csv('customers', [
  `${C1},张三,530102,居民,,否,否,,2020-01-01`,
  `${C2},某某商店,530102,一般工商业,零售,否,否,工商银行,2019-05-06`,
]);

// payment_id,bill_id,customer_id,amount,paid_at,channel,bank,result,failure_reason
const PAYMENTS = csv('payments', [
  `P001,B1,${C1},88.50,2026-11-23 09:05:00,微信,,成功,`,
  `P002,B1,${C1},20.00,2026-02-30 10:00:00,支付宝,,成功,`, // an impossible date
  `P003,B1,${C1},12.3.4,2026-11-23 09:07:00,柜台,,成功,`, // a bad amount
  `,B1,${C1},5.00,2026-11-23 09:08:00,柜台,,成功,`, // a missing id
  `P001,B1,${C1},88.50,2026-11-23 09:05:00,微信,,成功,`, // a duplicate of the first line
  `P004,B2,${C2},-3.00,2026-11-23 09:09:00,柜台,,成功,`, // a negative amount
  `P005,B2,9999999999,3.00,2026-11-23 09:10:00,柜台,,成功,`, // an unknown customer
  `P006,B2,${C2},3.00,2026-11-23 09:11:00,邮局,,成功,`, // an unknown channel
  `P007,B2,${C2},1234.5,2026-11-23 09:12:00,银行代扣,工商银行,失败,`, // failed without a reason
  `P008,B2,${C2},1234.5,2026-11-23 09:13:00,银行代扣,,成功,`, // a bank debit without a bank
  `P009,B2,${C2},7,2026-11-23T09:14:00.5,银行代扣,工商银行,失败,"余额不足,卡/账户 ""冻结"""`,
  ` P010 ,B2, ${C2} , 0.29 ,2026-11-23 09:15,柜台,,成功,`, // spaces around values, no seconds
  `P011,B2,${C2},1.005,2026-11-23 24:00:00,柜台,,成功,`, // hour 24
  `,,,,2026-11-23 09:16:00,柜台,,,`, // several fields missing: no key, the line names it
  `P012,B2,${C2},abc,2026-13-01 09:17:00,柜台,,成功,`, // two bad fields: the first rule's reason
]);

// disconnection_id,customer_id,notice_at,disconnected_at,paid_at,reconnected_at,updated_at
const RECONNECTIONS = csv('reconnections', [
  `D1,${C1},2026-11-10 09:00:00,2026-11-17 09:00:00,2026-11-18 10:00:00,2026-11-18 15:00:00,2026-11-18 15:00:00`,
  `D2,${C1},2026-11-10 09:00:00,2026-11-17 09:00:00,,,2026-11-17 09:00:00`,
  `D3,${C1},2026-11-18 09:00:00,2026-11-17 09:00:00,,,2026-11-18 09:00:00`, // cut before notice
  `D4,${C2},2026-11-10 09:00:00,2026-11-17 09:00:00,,2026-11-18 15:00:00,2026-11-18 15:00:00`, // back without paid
  `D5,${C2},2026-11-10 09:00:00,2026-11-17 09:00:00,2026-11-18 16:00:00,2026-11-18 15:00:00,2026-11-18 16:00:00`, // back before paid
  `D6,${C2},2026-11-10 09:00:00,2026-11-17 09:00:00,2026-11-31 10:00:00,,2026-11-18 16:00:00`, // impossible paid_at
  `D7,${C2},2026-11-10 09:00:00,,,,2026-11-18 16:00:00`, // missing disconnection time
]);

// dunning_id,customer_id,bill_id,dunned_at,channel,amount_owed
const DUNNING = csv('dunning', [
  `U1,${C1},,2026-11-20 10:00:00,短信,88.50`,
  `U2,${C1},B1,2026-11-20 10:00:00,飞鸽,88.50`, // an unknown channel
  `U3,${C2},B2,2026-11-20 10:00:00,电话,1e3`, // a bad amount
  `U4,${C2},B2,2026/11/20 10:00:00,上门,10`, // a date in another format
]);

// fact_balance keeps intraday snapshots 14 days by the engine's own clock (a TTL, applied as rows are written):
// with a fixed date they would vanish at insert once the calendar moved on, on both sides alike, and the
// comparison would hold for want of rows. So the balances are of yesterday (Beijing) of the day the test runs.
const D = formatLocal(Date.now() - 86_400_000, TZ).slice(0, 10);
const D_BEFORE = formatLocal(Date.now() - 2 * 86_400_000, TZ).slice(0, 10);
const BALANCES_FILE = `余额快照_${D.replaceAll('-', '')}.csv`;
// customer_id,control,balance,expected_charge,snapshot_at
const BALANCES = csv('balances', [
  `${C1},预付费,35.20,120.00,${D} 00:00:00`, // a day-end snapshot
  `${C2},负控,-12.345,300,${D} 10:00:00`, // in debt: a negative balance is a balance
  `${C1},预付费,10,120,${D_BEFORE} 00:00:00`, // older: the latest per customer stays the one above
  `${C2},后付费,1,100,${D} 11:00:00`, // an unknown control mode
  `${C2},负控,abc,100,${D} 12:00:00`, // a bad balance
  `${C2},负控,1,-5,${D} 13:00:00`, // a negative expected charge
  `${C2},负控,1,0.001,${D} 14:00:00`, // an expected charge of zero (after rounding)
  `${C2},负控,1,100,${D} 25:00:00`, // hour 25
  `9999999999,负控,1,100,${D} 15:00:00`, // an unknown customer
  `${C2},负控,锟斤拷,100,${D} 16:00:00`, // text a wrong decoding left behind
  `${C2},负控,??,100,${D} 17:00:00`, // …and question marks where characters were
  `${C2},负控,1,100,`, // no snapshot time
  `,,,,${D} 18:00:00`, // no customer: the line names it
  `${C1}, 预付费 , 5.5 ,120,${D} 09:30`, // spaces around values, no seconds
]);

interface Side {
  ch: ClickHouse;
  root: string;
  folder: { dir: string; archiveDir: string; rejectedDir: string };
  jobs: Record<string, ReturnType<typeof billingJobs>[number]>;
}

async function side(bulk: boolean | 'insert'): Promise<Side> {
  const ch = await testClickHouse();
  const root = mkdtempSync(path.join(tmpdir(), `bulk-${bulk}-`));
  const folder = { dir: path.join(root, 'in'), archiveDir: path.join(root, 'archive'), rejectedDir: path.join(root, 'rejected') };
  mkdirSync(folder.dir, { recursive: true });
  const jobs = Object.fromEntries(billingJobs({ folder, tz: TZ, bulk, balances: true }).map((j) => [j.source.split('.')[1]!, j]));
  return { ch, root, folder, jobs };
}

const DROPS: [string, Buffer][] = [
  ['客户档案_20261123.csv', Buffer.from(CUSTOMERS)],
  ['缴费流水_20261123.csv', gbk(PAYMENTS)],
  // The next file, staged in the same batch: P001 again at the same time with another amount (the later wins
  // under FINAL, on both paths), and a bad line whose line number is this file's.
  [
    '缴费流水_20261123_15.csv',
    gbk(csv('payments', [`P001,B1,${C1},99.00,2026-11-23 09:05:00,微信,,成功,`, `P020,B1,${C1},x,2026-11-23 15:05:00,微信,,成功,`])),
  ],
  // A byte that is not GBK (nor UTF-8): the whole file is rejected, as row by row.
  [
    '缴费流水_坏字节.csv',
    Buffer.concat([
      gbk(PAYMENTS.split('\r\n').slice(0, 2).join('\r\n')),
      gbk(`\r\nP013,B1,${C1},1.00,2026-11-23 09:05:00,微信,,失败,`),
      Buffer.from([0xff, 0x0d, 0x0a]),
    ]),
  ],
  // A blank line in the middle: not plain enough for the framing, so the bulk path hands it to the row reader.
  ['缴费流水_空行.csv', gbk(PAYMENTS.replace(`\r\nP004`, `\r\n\r\nP004`).replace(/P0/g, 'Q0'))],
  ['停复电记录_20261123.csv', gbk(RECONNECTIONS)],
  ['催费记录_20261123.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(DUNNING)])],
  [BALANCES_FILE, gbk(BALANCES)],
];

const anyRow = z.record(z.string(), z.unknown());
const dump = async (ch: ClickHouse, table: string, final = '') =>
  ch.query('test.dump', `SELECT * EXCEPT loaded_at FROM ${table} ${final} ORDER BY ALL`, {}, anyRow);
const dumpAll = async (ch: ClickHouse, table: string) => ch.query('test.dump', `SELECT * FROM ${table} ORDER BY ALL`, {}, anyRow);

describe('bulk CSV path', () => {
  let row: Side;
  // The engine reads the dropped files itself (embedded), or is sent the framed records (a server's route).
  let bulk: Side;
  let sent: Side;
  const runs: Record<string, unknown[]> = { row: [], bulk: [], sent: [] };

  beforeAll(async () => {
    row = await side(false);
    bulk = await side(true);
    sent = await side('insert');
    for (const s of [row, bulk, sent]) for (const [name, bytes] of DROPS) writeFileSync(path.join(s.folder.dir, name), bytes);
  });
  afterAll(async () => {
    for (const s of [row, bulk, sent]) if (s?.ch) await dropTestClickHouse(s.ch);
  });

  it('frames the plain files for staging and leaves the irregular one to the row reader', () => {
    const framed = (name: string) => frameCsv(decodeText(readFileSync(path.join(bulk.folder.dir, name)), 'auto', name), 'x');
    expect(framed('缴费流水_20261123.csv')).toMatchObject({ records: 15, header: Object.values(HEADERS.payments) });
    expect(framed('停复电记录_20261123.csv')).toMatchObject({ records: 7 });
    expect(framed('催费记录_20261123.csv')).toMatchObject({ records: 4 });
    expect(framed('缴费流水_空行.csv')).toBeNull();
    expect(frameCsv('a,b\r\n1,"2\r\n', 'x')).toBeNull(); // an unclosed quote
    expect(frameCsv('a,b\r\n1,x"y\r\n', 'x')).toBeNull(); // a quote inside an unquoted field
    expect(frameCsv('a,b\r\n1,2,3\r\n', 'x')).toBeNull(); // a record wider than the header
    expect(frameCsv('a,b\n1,\u30002\n', 'x')).toBeNull(); // an ideographic space trim() would remove
    expect(frameCsv('a,b\n1,"x\ny"\n', 'L')!.body.toString()).toBe('L,0,1,"x\ny"\n');
  });

  it('scans the bytes of the files the framing takes, and refuses the same irregular ones', () => {
    const scanned = (name: string) => scanCsv(readFileSync(path.join(bulk.folder.dir, name)), 'auto');
    expect(scanned('缴费流水_20261123.csv')).toMatchObject({ records: 15, header: Object.values(HEADERS.payments), encoding: 'gbk' });
    // Only the columns with Chinese text are converted from GBK: channel, bank, result, failure reason.
    expect(scanned('缴费流水_20261123.csv')!.nonAscii).toEqual([false, false, false, false, false, true, true, true, true]);
    expect(scanned('催费记录_20261123.csv')).toMatchObject({ records: 4, encoding: 'utf-8' });
    expect(scanned('缴费流水_空行.csv')).toBeNull();
    expect(scanned('缴费流水_坏字节.csv')).toBeNull();
    const scan = (text: string | Buffer) => scanCsv(typeof text === 'string' ? Buffer.from(text) : text, 'auto');
    expect(scan('a,b\r\n1,"2\r\n')).toBeNull(); // an unclosed quote
    expect(scan('a,b\r\n1,x"y\r\n')).toBeNull(); // a quote inside an unquoted field
    expect(scan('a,b\r\n1,2,3\r\n')).toBeNull(); // a record wider than the header
    expect(scan('a,b\r\n1,2\n3,4\n')).toBeNull(); // mixed line ends
    expect(scan('a,b\n1,\u30002\n')).toBeNull(); // an ideographic space trim() would remove
    expect(scan(gbk('a,b\n1,\u30002\n'))).toBeNull(); // …in GBK (A1A1)
    expect(scan(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0xa6, 0xd9, 0x0a]))).toBeNull(); // a code ICU maps otherwise
    expect(scan(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0x81, 0x30, 0x81, 0x30, 0x0a]))).toBeNull(); // GB18030 four bytes
    expect(scan('a,b\n1,"x\ny"\n')).toMatchObject({ records: 1, nonAscii: [false, false] });
  });

  it('loads the same facts and quarantines the same rows, with the same reasons, as the row path', async () => {
    const staging = vi.spyOn(sent.ch, 'insertFormatted');
    const notSent = vi.spyOn(bulk.ch, 'insertFormatted');
    const statements = vi.spyOn(bulk.ch, 'command');
    for (const kind of ['customers', 'payments', 'reconnections', 'dunning', 'balances']) {
      for (const [name, s] of [
        ['row', row],
        ['bulk', bulk],
        ['sent', sent],
      ] as const) {
        const ctx: JobContext = { ch: s.ch, now: NOW, runId: RUN };
        runs[name]!.push({ kind, ...(await s.jobs[kind]!.run(ctx)) });
      }
    }
    // One batch each of payments (two files), reconnections, dunning and balances was staged; the file with a
    // blank line and the customers were not.
    expect(staging).toHaveBeenCalledTimes(4);
    expect(notSent).not.toHaveBeenCalled();
    // …and moved in ClickHouse: checked once into a table of the load's own, facts and quarantine of each from
    // it, then that table and the staged load dropped.
    expect(statements.mock.calls.map((c) => c[0]).filter((t) => /^etl\.(billing\.)?bulk\.|\.stage$/.test(t))).toEqual([
      ...['payments', 'reconnections', 'dunning', 'balances'].flatMap((k) => [
        // A table of the batch's own for its staged rows, dropped whole after the move.
        'etl.bulk.stage-open',
        `etl.billing.${k}.stage`,
        `etl.billing.bulk.${k}.check`,
        `etl.billing.bulk.${k}.facts`,
        // The balances' rows go to the latest-per-customer table as well.
        ...(k === 'balances' ? ['etl.billing.bulk.balances.latest'] : []),
        `etl.billing.bulk.${k}.quarantine`,
        'etl.bulk.stage-close',
        'etl.bulk.stage-close',
      ]),
    ]);
    expect(runs.bulk).toEqual(runs.row);
    expect(runs.sent).toEqual(runs.row);
    expect(runs.row).toContainEqual(expect.objectContaining({ kind: 'payments', rowsRead: 32, rowsQuarantined: 23 }));

    for (const table of ['fact_payment', 'fact_reconnection', 'fact_dunning', 'fact_balance', 'fact_balance_latest', 'etl_file']) {
      // As the tables read (FINAL): the parts differ, the bulk path inserting several files as one block that
      // the ReplacingMergeTree already collapses on insert, where row by row inserts one block per file.
      const [a, b, c] = [await dump(row.ch, table, 'FINAL'), await dump(bulk.ch, table, 'FINAL'), await dump(sent.ch, table, 'FINAL')];
      expect({ table, rows: b }).toEqual({ table, rows: a });
      expect({ table, rows: c }).toEqual({ table, rows: a });
      expect(a.length).toBeGreaterThan(0);
    }
    const [qa, qb] = [await dumpAll(row.ch, 'etl_quarantine FINAL'), await dumpAll(bulk.ch, 'etl_quarantine FINAL')];
    expect(qb).toEqual(qa);
    expect(await dumpAll(sent.ch, 'etl_quarantine FINAL')).toEqual(qa);
    expect(qa.length).toBe(23 + 5 + 3 + 10);
    const reasons = new Map(qb.map((q) => [q.record_key, q.reason]));
    expect(reasons.get('P002')).toBe('bad date in paid_at: "2026-02-30 10:00:00"');
    expect(reasons.get('P003')).toBe('bad amount in amount: "12.3.4"');
    expect(reasons.get('缴费流水_20261123.csv:5')).toBe('malformed row: payment_id required');
    expect(reasons.get('缴费流水_20261123.csv:15')).toBe(
      'malformed row: payment_id required; bill_id required; customer_id required; amount required; result required',
    );
    expect(reasons.get('P011')).toBe('bad date in paid_at: "2026-11-23 24:00:00"');
    expect(reasons.get('D3')).toBe('disconnected_at before notice_at');
    expect(reasons.get(`${C2}@${D} 11:00:00`)).toBe('unknown control mode "后付费"');
    expect(reasons.get(`${C2}@${D} 14:00:00`)).toBe('expected_charge is zero');
    expect(reasons.get(`${C2}@${D} 16:00:00`)).toBe('wrong encoding in balance: "锟斤拷"');
    expect(reasons.get(`${C2}@`)).toBe('malformed row: snapshot_at required');
    expect(reasons.get(`${BALANCES_FILE}:14`)).toBe(
      'malformed row: customer_id required; control required; balance required; expected_charge required',
    );
    const balances = 'SELECT customer_id, toString(balance) AS b, day_end FROM fact_balance FINAL ORDER BY customer_id, snapshot_at';
    expect(await bulk.ch.query('test.balances', balances, {}, anyRow)).toEqual([
      { customer_id: C1, b: '10', day_end: 1 },
      { customer_id: C1, b: '35.2', day_end: 1 },
      { customer_id: C1, b: '5.5', day_end: 0 },
      // Rounded as Math.round does (half up): -1234.5 cents is -1234.
      { customer_id: C2, b: '-12.34', day_end: 0 },
    ]);
    expect(JSON.parse(qb.find((q) => q.record_key === 'P020')!.raw as string)).toMatchObject({ file: '缴费流水_20261123_15.csv', line: 3 });
    const p001 = 'SELECT toString(amount) AS a FROM fact_payment FINAL WHERE payment_id = {id:String}';
    expect(await bulk.ch.query('test.p001', p001, { id: 'P001' }, anyRow)).toEqual([{ a: '99' }]);
    expect(JSON.parse(qb.find((q) => q.record_key === 'P008')!.raw as string)).toMatchObject({ file: '缴费流水_20261123.csv', line: 11 });
    const p009 = await bulk.ch.query(
      'test.p009',
      `SELECT failure_reason, toString(amount) AS amount, toString(paid_at) AS paid_at FROM fact_payment WHERE payment_id = 'P009'`,
      {},
      anyRow,
    );
    expect(p009).toEqual([{ failure_reason: '余额不足,卡/账户 "冻结"', amount: '7', paid_at: '2026-11-23 01:14:00.500' }]);

    for (const dir of ['archiveDir', 'rejectedDir'] as const)
      expect(readdirSync(bulk.folder[dir]).sort()).toEqual(readdirSync(row.folder[dir]).sort());
    const reason = (s: Side) => readFileSync(path.join(s.folder.rejectedDir, '缴费流水_坏字节.csv.reason.txt'), 'utf8').split('\n')[0];
    expect(reason(bulk)).toBe(reason(row));
    expect(reason(bulk)).toMatch(/not UTF-8 or GBK text/);
    // Nothing is left staged.
    expect(await bulk.ch.query('test.staged', 'SELECT count() AS n FROM etl_stage_csv', {}, anyRow)).toEqual([{ n: 0 }]);
    const ownTables = `SELECT name FROM system.tables WHERE database = currentDatabase() AND match(name, '^etl_(stage|checked)_[a-z]+_')`;
    expect(await bulk.ch.query('test.own-stages', ownTables, {}, anyRow)).toEqual([]);
  });

  it('adds nothing for a file dropped again or a run repeated', async () => {
    const before = await dumpAll(bulk.ch, 'fact_payment');
    const quarantined = await dumpAll(bulk.ch, 'etl_quarantine');
    copyFileSync(path.join(bulk.folder.archiveDir, '缴费流水_20261123.csv'), path.join(bulk.folder.dir, '缴费流水_重发.csv'));
    const ctx: JobContext = { ch: bulk.ch, now: NOW + 60_000, runId: '1b7e2a4c-5d1f-4e63-9a8b-1c2d3e4f5a6b' };
    expect(await bulk.jobs.payments!.run(ctx)).toMatchObject({ rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0 });
    expect(await bulk.jobs.payments!.run(ctx)).toMatchObject({ rowsRead: 0, rowsLoaded: 0 });
    expect(await dumpAll(bulk.ch, 'fact_payment')).toEqual(before);
    expect(await dumpAll(bulk.ch, 'etl_quarantine')).toEqual(quarantined);
    expect(readdirSync(bulk.folder.archiveDir)).toContain('缴费流水_重发.csv');
  });
});
