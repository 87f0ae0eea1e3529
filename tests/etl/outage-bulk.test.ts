import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { CITIES } from '@/core/org/divisions';
import { parseLocal } from '@/core/time';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import type { EtlJob, JobContext, JobResult } from '@/etl/runtime/job';
import { readWatermark, writeWatermark } from '@/etl/runtime/watermark';
import { outageJobs } from '@/etl/sources/outage/jobs';
import { OutageSimulator } from '@/etl/simulator/outage-source';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// Issue 17: the back-fill of the outage system's notices and affected customers as one INSERT … SELECT over the
// SQLite file (etl/sources/outage/bulk.ts) against the page-by-page row path. One simulated history day, plus
// rows breaking each rule of transformNotice and transformOutageCustomer, loaded both ways into two databases
// with the same run id and clock: facts, quarantine and position must come out identical.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 20:00:00', TZ)!;
const RUN = '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const YMD = '2026-11-21';
const DAY = { from: parseLocal(`${YMD} 00:00:00`, TZ)!, to: parseLocal('2026-11-22 00:00:00', TZ)! };
const KUNMING = CITIES.find((c) => c.name === '昆明市')!.counties.map((c) => c.code);
const U = `${YMD} 18:00:00`;
const T = `${YMD} 09:00:00`;

// notice_id, outage_id, cust_no, channel, msg_id, send_time, send_result, fail_desc, updated_at
const BAD_NOTICES: unknown[][] = [
  ['', '', 'C1', '电话', null, T, 1, null, U], // empty id and outage id: both named
  ['n-nooutage', '', 'C1', '电话', null, T, 1, null, U], // empty outage id
  ['n-channel', 'O1', 'C1', '微信', null, T, null, null, U], // unknown channel
  ['n-channel-esc', 'O1', 'C1', 'a"/\\b', null, T, null, null, U], // JSON escapes in the reason
  ['n-send', 'O1', 'C1', '电话', null, `${YMD} 25:00:00`, 1, null, U], // bad send_time
  ['n-send-blank', 'O1', 'C1', '电话', null, ' ', 1, null, U], // blank is not empty: a bad date
  ['n-send-feb', 'O1', 'C1', '电话', null, '2026-02-30 09:00:00', 1, null, U], // no such day
  ['n-upd', 'O1', 'C1', '电话', null, T, 1, null, `${YMD} 18:00:0x`], // bad updated_at
  ['n-nosend', 'O1', 'C1', '电话', null, '', 1, null, U], // send_time required
  ['n-sms', 'O1', 'C1', '短信', null, T, null, null, U], // SMS without msg_id
  ['n-sms-empty', 'O1', 'C1', '短信', '', T, null, null, U], // … or with an empty one
  ['n-phone', 'O1', null, '电话', null, T, 1, null, U], // phone notice without customer
  ['n-app', 'O1', '', 'APP', null, T, 1, null, U], // app notice with an empty customer
  ['n-ann', 'O1', null, '公告', null, T, 1, null, U], // an announcement needs none: loaded
  ['n-result', 'O1', 'C1', '电话', null, T, 7, null, U], // unknown send_result
  ['n-result-neg', 'O1', 'C1', '电话', null, T, -1, null, U],
  ['n-failed', 'O1', 'C1', '电话', null, T, 0, '无人接听 "x" /', U], // failed, with a reason: loaded
  ['n-trim', 'O1', 'C1', 'APP', null, ` ${YMD}T09:00\u3000`, 1, null, `${YMD} 18:00:00.5`], // trim, T, no seconds, fraction
  ['n-slash', 'O1', 'C1', '电话', null, `${YMD} 09:00:01.123`, 1, null, `${YMD} 18:00:00.12`],
  // Storage classes SQL cannot see as JavaScript does: the row path takes these.
  ['n-textresult', 'O1', 'C1', '电话', null, T, 'abc', null, U],
  ['n-realresult', 'O1', 'C1', '电话', null, T, 1.5, null, U],
  ['n-blobmsg', 'O1', 'C1', '短信', new Uint8Array([65, 66]), T, null, null, U],
  // Outside the day: neither path reads it.
  ['n-tomorrow', 'O1', 'C1', '电话', null, T, 1, null, '2026-11-22 09:00:00'],
];

// rec_id, outage_id, cust_no, important_flag, updated_at
const BAD_CUSTOMERS: unknown[][] = [
  ['', 'O1', 'C1', 0, U], // empty id
  ['c-nooutage', '', 'C1', 0, U],
  ['c-nocust', 'O1', '', 0, U],
  ['c-flag2', 'O1', 'C1', 2, U], // important_flag too big
  ['c-flagneg', 'O1', 'C1', -1, U], // … too small
  ['c-many', '', '', 5, U], // several issues, joined
  ['c-upd', 'O1', 'C1', 1, `${YMD} 18:61:00`], // bad updated_at
  ['c-upd-hour', 'O1', 'C1', 1, `${YMD} 9:00:00`], // one-digit hour
  ['c-trim', 'O1', 'C1 "/', 1, `${YMD} 18:00:00\u3000`], // trimmed: loaded
  // Storage classes the row path takes.
  ['c-textflag', 'O1', 'C1', 'x', U],
  ['c-realflag', 'O1', 'C1', 0.5, U],
  ['c-tomorrow', 'O1', 'C1', 0, '2026-11-22 09:00:00'],
];

const anyRow = z.record(z.string(), z.unknown());
let url: string;
let smsDir: string;
let row: ClickHouse;
let bulk: ClickHouse;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'outage-bulk-'));
  url = `file:${path.join(dir, 'outage.db')}`;
  smsDir = path.join(dir, 'sms');
  const db = openSqlite(url);
  const sim = new OutageSimulator(db, { seed: 7, tz: TZ, smsReportDir: path.join(dir, 'sms'), countyCodes: KUNMING });
  await sim.init();
  await sim.advanceTo(NOW);
  await sim.writeHistoryDay(YMD);
  for (const b of BAD_NOTICES)
    await db.execute({
      sql: `INSERT OR REPLACE INTO td_notice (notice_id, outage_id, cust_no, channel, msg_id, send_time, send_result, fail_desc, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: b as never,
    });
  for (const b of BAD_CUSTOMERS)
    await db.execute({
      sql: `INSERT OR REPLACE INTO td_outage_customer (rec_id, outage_id, cust_no, important_flag, updated_at) VALUES (?, ?, ?, ?, ?)`,
      args: b as never,
    });
  db.close();
  [row, bulk] = [await testClickHouse(), await testClickHouse()];
});
afterAll(async () => {
  for (const ch of [row, bulk]) if (ch) await dropTestClickHouse(ch);
});

const dump = (ch: ClickHouse, sql: string) => ch.query('test.dump', sql, {}, anyRow);
const jobOf = (source: string, mode?: boolean): EtlJob =>
  outageJobs({ connection: { dialect: 'sqlite', url }, tz: TZ, pageSize: 700, bulk: mode }).find((j) => j.source === source)!;
// raw is compared as the JSON it encodes (escaping of '/' or U+2028 may differ, never the values).
const parsed = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
  rows.map((r) => ({ ...r, raw: JSON.parse(r.raw as string) as unknown }));

const cases = [
  {
    source: 'outage.notices',
    name: 'notices',
    facts: 'SELECT * EXCEPT loaded_at FROM fact_notice FINAL ORDER BY ALL',
    minRows: 1000,
    table: 'td_notice',
    id: 'notice_id',
    expected: [
      ['', 'malformed row: notice_id Too small: expected string to have >=1 characters; outage_id Too small'],
      ['n-nooutage', 'malformed row: outage_id Too small: expected string to have >=1 characters'],
      ['n-channel', 'unknown channel "微信"'],
      ['n-channel-esc', 'unknown channel "a\\"/\\\\b"'],
      ['n-send', `bad date in send_time: "${YMD} 25:00:00"`],
      ['n-send-blank', 'bad date in send_time: " "'],
      ['n-send-feb', 'bad date in send_time: "2026-02-30 09:00:00"'],
      ['n-upd', `bad date in updated_at: "${YMD} 18:00:0x"`],
      ['n-nosend', 'send_time and updated_at are required'],
      ['n-sms', 'SMS notice without msg_id'],
      ['n-sms-empty', 'SMS notice without msg_id'],
      ['n-phone', 'phone notice without cust_no'],
      ['n-app', 'app notice without cust_no'],
      ['n-result', 'unknown send_result 7'],
      ['n-result-neg', 'unknown send_result -1'],
      ['n-textresult', 'malformed row: send_result Invalid input: expected number, received NaN'],
      ['n-realresult', 'malformed row: send_result'],
    ],
    loaded: ['n-ann', 'n-failed', 'n-trim', 'n-slash'],
    stage: 'etl.outage.notices.bulk',
  },
  {
    source: 'outage.customers',
    name: 'customers',
    facts: 'SELECT * EXCEPT loaded_at FROM fact_outage_customer FINAL ORDER BY ALL',
    minRows: 1000,
    table: 'td_outage_customer',
    id: 'rec_id',
    expected: [
      ['', 'malformed row: rec_id Too small'],
      ['c-nooutage', 'malformed row: outage_id Too small'],
      ['c-nocust', 'malformed row: cust_no Too small'],
      ['c-flag2', 'malformed row: important_flag Too big: expected number to be <=1'],
      ['c-flagneg', 'malformed row: important_flag Too small: expected number to be >=0'],
      ['c-many', 'malformed row: outage_id Too small: expected string to have >=1 characters; cust_no Too small'],
      ['c-upd', `bad date in updated_at: "${YMD} 18:61:00"`],
      ['c-upd-hour', `bad date in updated_at: "${YMD} 9:00:00"`],
      ['c-textflag', 'malformed row: important_flag Invalid input: expected number, received NaN'],
      ['c-realflag', 'malformed row: important_flag'],
    ],
    loaded: [],
    stage: 'etl.outage.customers.bulk',
  },
] as const;

describe.each(cases)('outage $name back-fill in one statement', (c) => {
  it('loads one day with the same facts, quarantine and position as page by page', async () => {
    const results: JobResult[] = [];
    const bulkStatements = vi.spyOn(bulk, 'command');
    for (const [ch, mode] of [
      [row, false],
      [bulk, true],
    ] as const) {
      const ctx: JobContext = { ch, now: NOW, runId: RUN };
      results.push(await jobOf(c.source, mode).backfill!(ctx, DAY, () => undefined, `backfill:${c.name}`));
    }
    // Staged in a table of the load's own, dropped whole afterwards.
    expect(bulkStatements.mock.calls.map((call) => call[0])).toEqual([
      'etl.bulk.stage-open',
      ...['stage', 'facts', 'quarantine'].map((s) => `${c.stage}.${s}`),
      'etl.bulk.stage-close',
    ]);
    bulkStatements.mockRestore();
    const [a, b] = results;
    expect(b).toEqual(a);
    expect(a!.rowsRead).toBeGreaterThan(c.minRows);
    expect(a!.rowsQuarantined).toBeGreaterThanOrEqual(c.expected.length - 1);

    const [fa, fb] = [await dump(row, c.facts), await dump(bulk, c.facts)];
    expect(fb.length).toBe(fa.length);
    expect(fb).toEqual(fa);

    const quarantine = `SELECT record_key, reason, raw FROM etl_quarantine FINAL WHERE source = '${c.source}' ORDER BY record_key, reason`;
    const [qa, qb] = [parsed(await dump(row, quarantine)), parsed(await dump(bulk, quarantine))];
    expect(qb).toEqual(qa);
    const keys = qa.map((q) => `${q.record_key as string}|${q.reason as string}`);
    for (const [key, reason] of c.expected)
      expect(
        keys.some((k) => k.startsWith(`${key}|${reason}`)),
        `${key}: ${reason}\n${keys.filter((k) => k.startsWith(`${key}|`)).join('\n')}`,
      ).toBe(true);
    expect(keys.some((k) => k.includes('tomorrow'))).toBe(false);
    for (const key of c.loaded)
      expect(
        keys.some((k) => k.startsWith(`${key}|`)),
        key,
      ).toBe(false);

    expect(await readWatermark(bulk, `backfill:${c.name}`)).toEqual(await readWatermark(row, `backfill:${c.name}`));
  });

  it('resumes after its committed position and adds nothing when called again', async () => {
    const count = c.facts.replace(/^SELECT \* EXCEPT loaded_at FROM (\w+) FINAL ORDER BY ALL$/, 'SELECT count() AS n FROM $1');
    const before = await dump(bulk, count);
    const again = await jobOf(c.source).backfill!({ ch: bulk, now: NOW, runId: RUN }, DAY, () => undefined, `backfill:${c.name}`);
    expect(again).toMatchObject({ rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0 });
    expect(await dump(bulk, count)).toEqual(before);
  });
  it('resumes from a position inside the day as page by page does: the same rows read', async () => {
    // The position of a back-fill interrupted halfway (a row of the day, as a committed page would leave it).
    const db = openSqlite(url);
    const rs = await db.execute({
      sql: `SELECT updated_at, ${c.id} AS id FROM ${c.table} WHERE updated_at >= ? AND updated_at < ? ORDER BY updated_at, ${c.id}`,
      args: [`${YMD} 00:00:00`, '2026-11-22 00:00:00'],
    });
    db.close();
    const mid = rs.rows[Math.floor(rs.rows.length / 2)]!;
    const key = `backfill:${c.name}:mid`;
    const results: JobResult[] = [];
    for (const [ch, mode] of [
      [row, false],
      [bulk, true],
    ] as const) {
      await writeWatermark(ch, key, { ts: String(mid.updated_at), id: String(mid.id) });
      results.push(await jobOf(c.source, mode).backfill!({ ch, now: NOW, runId: RUN }, DAY, () => undefined, key));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]!.rowsRead).toBeGreaterThan(100);
    expect(results[0]!.rowsRead).toBeLessThan(rs.rows.length);
    expect(await readWatermark(bulk, key)).toEqual(await readWatermark(row, key));
  });
});

// 短信ID, 手机号码, 发送时间, 报告时间, 状态报告, 失败原因: appended to the day's report file.
const S = `${YMD} 09:00:00`;
const R = `${YMD} 09:00:30`;
const BAD_REPORTS: string[][] = [
  ['', '13800000001', S, R, 'DELIVRD', ''], // no message id
  ['b-phone', '1380000', S, R, 'DELIVRD', ''], // not a mobile number
  ['b-status', '13800000002', S, R, ' ', ''], // blank status
  ['', 'x', S, R, '', ''], // all three, joined
  ['b-nosent', '13800000003', '', R, 'DELIVRD', ''], // flagged: 发送时间 missing
  ['b-norep', '13800000004', S, ' ', 'DELIVRD', ''], // flagged: 报告时间 missing
  ['b-badsent', '+8613800000005', `${YMD} 24:61:00`, R, 'UNDELIV', ''], // flagged: bad date; failure = the code
  ['b-badrep', '8613800000006', S, `${YMD} 24:61:00`, 'DELIVRD', ''],
  ['b-before', '13800000007', S, `${YMD} 08:00:00`, 'BLACK', '黑名单拦截'], // report before sending
  ['b-late', '13800000008', '2026-11-01 09:00:00', `${YMD} 09:00:00`, 'DELIVRD', ''], // more than 7 days after
  ['b-both', '13800000011', 'x', 'y', 'DELIVRD', ''], // two flags
  ['b-same', '13800000012', S, S, 'DELIVRD', ''], // reported as sent: no flag
  ['b-week', '13800000013', '2026-11-14 09:00:00', `${YMD} 09:00:00`, 'DELIVRD', ''], // exactly 7 days: no flag
  ['b-trim', ' 13800000009 ', ` ${YMD}T09:00 `, `${YMD} 09:00:01.5`, ' DELIVRD ', ''], // trims, T, fraction
  ['b-json', '13800000010', S, R, 'UNDELIV', ' 失败 "x" /\\ '], // quoted field, escapes; failure reason trimmed
];
const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

describe('outage SMS report files checked in one statement', () => {
  const drops = { row: '', bulk: '' };
  beforeAll(() => {
    const files = readdirSync(smsDir).filter((f) => f.endsWith('.csv'));
    const day = files.find((f) => f === `sms_report_${YMD.replace(/-/g, '')}_history.csv`)!;
    const small = files.filter((f) => /_\d{4}\.csv$/.test(f)).slice(0, 2); // live 5-minute files: row by row
    const text = iconv.decode(readFileSync(path.join(smsDir, day)), 'gbk');
    const withBad = text + BAD_REPORTS.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
    // The same export with a column renamed: not a report, rejected either way.
    const renamed = text.replace('报告时间', '报告时刻');
    for (const mode of ['row', 'bulk'] as const) {
      const dir = (drops[mode] = path.join(smsDir, `drop-${mode}`));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, day), iconv.encode(withBad, 'gbk'));
      writeFileSync(path.join(dir, 'sms_report_renamed.csv'), iconv.encode(renamed, 'gbk'));
      for (const f of small) copyFileSync(path.join(smsDir, f), path.join(dir, f));
    }
  });

  it('loads the files with the same facts, quarantine, ledger and result as row by row', async () => {
    const results: JobResult[] = [];
    const bulkStatements = vi.spyOn(bulk, 'command');
    for (const [ch, mode] of [
      [row, false],
      [bulk, true],
    ] as const) {
      const dir = drops[mode ? 'bulk' : 'row'];
      const drop = { dir, archiveDir: `${dir}/archive`, rejectedDir: `${dir}/rejected`, extensions: ['.csv'], encoding: 'gbk' as const };
      const job = outageJobs({ connection: { dialect: 'sqlite', url }, tz: TZ, smsReports: drop, bulk: mode }).find(
        (j) => j.source === 'outage.sms-reports',
      )!;
      results.push(await job.run({ ch, now: NOW, runId: RUN }));
    }
    const tags = bulkStatements.mock.calls.map((call) => call[0]);
    bulkStatements.mockRestore();
    for (const t of ['stage', 'facts', 'quarantine']) expect(tags).toContain(`etl.outage.sms-reports.bulk.${t}`);
    expect(tags.filter((t) => t === 'etl.outage.sms-reports.bulk.stage')).toHaveLength(1);
    const [a, b] = results;
    expect(b).toEqual(a);
    expect(a!.rowsRead).toBeGreaterThan(1000);
    expect(a!.rowsQuarantined).toBe(4);

    const facts = 'SELECT * EXCEPT loaded_at FROM fact_sms_report FINAL ORDER BY ALL';
    const [fa, fb] = [await dump(row, facts), await dump(bulk, facts)];
    expect(fb.length).toBe(fa.length);
    expect(fb).toEqual(fa);

    const quarantine =
      "SELECT record_key, reason, raw FROM etl_quarantine FINAL WHERE source = 'outage.sms-reports' ORDER BY record_key, reason";
    const [qa, qb] = [parsed(await dump(row, quarantine)), parsed(await dump(bulk, quarantine))];
    expect(qb).toEqual(qa);
    const reasons = qa.map((q) => (q.reason as string).replace(/^sms_report_\d+_history\.csv line \d+: /, ''));
    const flag = (field: string, why: string) => `flagged, row loaded without ${field}: ${why}`;
    for (const reason of [
      'malformed row: 短信ID Too small: expected string to have >=1 characters',
      'malformed row: 手机号码 not a mobile number',
      'malformed row: 状态报告 Too small: expected string to have >=1 characters',
      'malformed row: 短信ID Too small: expected string to have >=1 characters; 手机号码 not a mobile number; 状态报告 Too small: expected string to have >=1 characters',
      flag('发送时间', '发送时间 missing'),
      flag('报告时间', '报告时间 missing'),
      flag('发送时间', `bad date in 发送时间: "${YMD} 24:61:00"`),
      flag('报告时间', `bad date in 报告时间: "${YMD} 24:61:00"`),
      flag('报告时间', '报告时间 before 发送时间'),
      flag('报告时间', '报告时间 more than 7 days after 发送时间'),
      flag('发送时间', 'bad date in 发送时间: "x"'),
      flag('报告时间', 'bad date in 报告时间: "y"'),
    ])
      expect(reasons, reason).toContain(reason);

    const ledger = 'SELECT source, file_name, sha256, rows, status, reason FROM etl_file FINAL ORDER BY ALL';
    expect(await dump(bulk, ledger)).toEqual(await dump(row, ledger));
    expect(readdirSync(`${drops.bulk}/rejected`).sort()).toEqual(readdirSync(`${drops.row}/rejected`).sort());
    expect(readdirSync(`${drops.bulk}/archive`).sort()).toEqual(readdirSync(`${drops.row}/archive`).sort());
  });
});
