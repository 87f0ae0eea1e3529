import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { isClickHouseQueryError } from '@/core/clickhouse/errors';
import type { TableName } from '@/core/clickhouse/tables';
import {
  archiveFile,
  decodeText,
  headerKeys,
  listDroppedFiles,
  parseCsvText,
  readTabular,
  rejectFile,
  UnreadableFileError,
} from '../../connectors/file-drop';
import type { DroppedFile, FileDropConfig } from '../../connectors/types';
import type { EtlJob, JobContext, JobResult, QuarantinedRow } from '../../runtime/job';
import { loadedAmong, recordFile, recordFiles } from '../../runtime/file-ledger';
import { quarantine } from '../../runtime/run-job';
import {
  closeStage,
  dropStaged,
  frameCsv,
  newLoadId,
  openStage,
  readableByEngine,
  scanCsv,
  stageCsv,
  stageCsvFiles,
  type ScannedCsv,
} from '../../runtime/bulk-csv';
import { isBulkKind, moveStaged } from './bulk';
import { billingKinds, billingSource } from './config';
import { FILE_PATTERN, HEADERS, type BillingKind } from './source-schema';
import {
  fieldsOf,
  missingHeaders,
  transformBalance,
  transformBill,
  transformCustomer,
  transformDunning,
  transformPayment,
  transformReconnection,
  type CustomerOrg,
  type Transform,
} from './transform';

// The marketing system's exports (营销系统 抄核收) dropped as files: one job per export kind, all reading the
// same drop folder and each taking only the files named for it. Per file: content already loaded (by sha256,
// whatever the name) → archive; unreadable → rejected folder with a reason file; else every line is
// transformed, the bad ones quarantined with their reason, the rest loaded, the file recorded and archived.

export interface BillingSourceConfig {
  /** Drop, archive and rejected folders; every export kind shares them. */
  folder: { dir: string; archiveDir: string; rejectedDir: string };
  /** CSV encoding; 'auto' takes UTF-8 (with or without BOM) and falls back to GBK. */
  encoding?: FileDropConfig['encoding'];
  tz: string;
  schedules?: Partial<Record<BillingKind, string>>;
  /** The balance snapshot export (余额快照) of fee-controlled customers, where the marketing system has it. */
  balances?: boolean;
  /**
   * CSV exports of the kinds bulk.ts has rules for are staged in ClickHouse and checked there as set
   * operations (default); false loads every file row by row (the reference the bulk path is tested against).
   * 'insert' stages the framed records as bytes even where the embedded engine could read the file itself
   * (what a ClickHouse server always gets): tests run both staging routes.
   */
  bulk?: boolean | 'insert';
}

/**
 * Default schedules: the master and the bills come once a day after the nightly export; events every 5 min,
 * and so do the balance snapshots (exported at every full hour: a snapshot is on the wall 5 min after it).
 */
export const BILLING_SCHEDULES: Record<BillingKind, string> = {
  customers: '0 30 2 * * *',
  bills: '0 30 2 * * *',
  payments: '0 */5 * * * *',
  dunning: '0 */5 * * * *',
  reconnections: '0 */5 * * * *',
  balances: '0 */5 * * * *',
};

const TABLE: Record<BillingKind, TableName> = {
  customers: 'dim_customer',
  bills: 'fact_bill',
  payments: 'fact_payment',
  dunning: 'fact_dunning',
  reconnections: 'fact_reconnection',
  balances: 'fact_balance',
};
const KEY_FIELD: Record<BillingKind, string> = {
  customers: 'customer_id',
  bills: 'bill_id',
  payments: 'payment_id',
  dunning: 'dunning_id',
  reconnections: 'disconnection_id',
  balances: 'customer_id',
};

/** Records (and bytes) framed before a batch is moved: bounds what a backlog of files holds at once. */
const BATCH_RECORDS = 500_000;
const BATCH_BYTES = 64 << 20;

interface Counts {
  read: number;
  loaded: number;
  quarantined: number;
}
const add = (t: Counts, c: Counts) => {
  t.read += c.read;
  t.loaded += c.loaded;
  t.quarantined += c.quarantined;
};

/**
 * A dropped CSV waiting for its batch to be staged in etl_stage_csv and moved: scanned, for the embedded engine
 * to read the file itself, or framed, its records as bytes to insert (a server cannot read our disk).
 */
interface Staged {
  file: DroppedFile;
  loadId: string;
  header: string[];
  records: number;
  /** What a batch shares besides the header: how it is staged (and a scanned file's encoding). */
  route: string;
  scan: ScannedCsv | null;
  body: Buffer | null;
  bytes: number;
}

/** What one run's files share. */
interface RunState {
  /** Contents this source has loaded (the ledger, and this run's loads). */
  loaded: Set<string>;
  orgs: Map<string, CustomerOrg>;
  batch: Staged[];
  batchRecords: number;
  batchBytes: number;
  totals: Counts;
}

const customerOrgRow = z.object({
  customer_id: z.string(),
  province_code: z.string(),
  city_code: z.string(),
  county_code: z.string(),
  class: z.string(),
  key_account: z.coerce.number(),
});
const LOOKUP_CHUNK = 5000;

/**
 * Org and class of the given customers, as loaded from the customer master. `known` carries what earlier
 * files of the same run looked up: a day's payments name mostly customers the day before named too.
 */
async function customerOrgs(ch: ClickHouse, ids: string[], known = new Map<string, CustomerOrg>()): Promise<Map<string, CustomerOrg>> {
  const unique = [...new Set(ids)].filter((id) => !known.has(id));
  const orgs = known;
  for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
    const rows = await ch.query(
      'etl.billing.customer-orgs',
      `SELECT customer_id, province_code, city_code, county_code, class, key_account FROM dim_customer FINAL
       WHERE customer_id IN {ids:Array(String)}`,
      { ids: unique.slice(i, i + LOOKUP_CHUNK) },
      customerOrgRow,
    );
    for (const r of rows)
      orgs.set(r.customer_id, {
        provinceCode: r.province_code,
        cityCode: r.city_code,
        countyCode: r.county_code,
        cls: r.class,
        keyAccount: r.key_account === 1,
      });
  }
  return orgs;
}

export function billingJobs(cfg: BillingSourceConfig): EtlJob[] {
  const drop: FileDropConfig = {
    dir: cfg.folder.dir,
    archiveDir: cfg.folder.archiveDir,
    rejectedDir: cfg.folder.rejectedDir,
    extensions: ['.csv', '.xlsx', '.txt'],
    encoding: cfg.encoding ?? 'auto',
  };

  async function transformFile(
    kind: BillingKind,
    ch: ClickHouse,
    records: Record<string, string>[],
    now: number,
    known: Map<string, CustomerOrg>,
  ): Promise<Transform[]> {
    const lines = records.map((r) => fieldsOf(kind, r));
    if (kind === 'customers') return lines.map((l) => transformCustomer(l, now));
    const orgs = await customerOrgs(
      ch,
      lines.map((l) => l.customer_id!).filter((x) => x),
      known,
    );
    const t = {
      bills: transformBill,
      payments: transformPayment,
      dunning: transformDunning,
      reconnections: transformReconnection,
      balances: transformBalance,
    }[kind];
    return lines.map((l) => t(l, orgs, cfg.tz));
  }

  /**
   * Loads one file into the run's totals. A CSV of a bulk kind is staged and waits in `run.batch`; the batch is
   * moved (checked, loaded, quarantined, recorded, archived: flush) when it is full, before any file that goes
   * row by row (files load in name order), and at the end of the run.
   */
  async function loadFile(kind: BillingKind, ctx: JobContext, file: DroppedFile, run: RunState): Promise<void> {
    const source = billingSource(kind);
    // The same content twice in one batch: the first copy is loaded when the batch is, the second skipped then.
    if (run.batch.some((b) => b.file.sha256 === file.sha256)) await flush(kind, ctx, run);
    if (run.loaded.has(file.sha256)) {
      // The same export dropped again, under this or another name: nothing new in it.
      await archiveFile(file, drop);
      return;
    }
    let records: Record<string, string>[] | null = null;
    let staged: Staged | null = null;
    try {
      const ext = path.extname(file.name).toLowerCase();
      if (cfg.bulk !== false && isBulkKind(kind) && (ext === '.csv' || ext === '.txt')) {
        const bytes = await readFile(file.path);
        const loadId = newLoadId();
        const checkHeader = (fields: string[]) => {
          const header = headerKeys(fields, file.name);
          const missing = Object.values(HEADERS[kind]).filter((h) => !header.includes(h));
          if (missing.length) throw new UnreadableFileError(`${file.name}: missing columns ${missing.join(', ')}`);
          return header;
        };
        // Embedded, JavaScript only checks the bytes; the engine reads, splits and converts the file.
        const scan = cfg.bulk !== 'insert' && readableByEngine(ctx.ch, [file.path]) ? scanCsv(bytes, drop.encoding) : null;
        if (scan) {
          const header = checkHeader(scan.header);
          staged = { file, loadId, header, records: scan.records, route: `file:${scan.encoding}`, scan, body: null, bytes: bytes.length };
        } else {
          const text = decodeText(bytes, drop.encoding, file.name);
          const framed = frameCsv(text, loadId);
          if (framed) {
            const header = checkHeader(framed.header);
            staged = {
              file,
              loadId,
              header,
              records: framed.records,
              route: 'framed',
              scan: null,
              body: framed.body,
              bytes: framed.body.length,
            };
          } else records = parseCsvText(text, file.name);
        }
      } else records = await readTabular(file, drop);
      const missing = records?.[0] ? missingHeaders(kind, records[0]) : [];
      if (missing.length) throw new UnreadableFileError(`${file.name}: missing columns ${missing.join(', ')}`);
    } catch (err) {
      if (!(err instanceof UnreadableFileError)) throw err;
      await rejectFile(file, drop, err.message);
      await recordFile(
        ctx.ch,
        { source, fileName: file.name, sha256: file.sha256, rows: 0, status: 'rejected', reason: err.message },
        ctx.now,
      );
      return;
    }
    if (staged) {
      const first = run.batch[0];
      if (
        first &&
        (first.header.join('\n') !== staged.header.join('\n') ||
          first.route !== staged.route ||
          run.batchRecords + staged.records > BATCH_RECORDS ||
          run.batchBytes + staged.bytes > BATCH_BYTES)
      )
        await flush(kind, ctx, run);
      run.batch.push(staged);
      run.batchRecords += staged.records;
      run.batchBytes += staged.bytes;
      return;
    }
    if (!records) throw new Error('unreachable: neither framed nor read');
    // Files load in name order: what is framed before this file goes first.
    await flush(kind, ctx, run);
    await loadRecords(kind, ctx, file, records, run);
  }

  /** The row path: every record transformed in JavaScript, the good ones inserted, the bad quarantined. */
  async function loadRecords(kind: BillingKind, ctx: JobContext, file: DroppedFile, records: Record<string, string>[], run: RunState) {
    const source = billingSource(kind);
    const results = await transformFile(kind, ctx.ch, records, ctx.now, run.orgs);
    const good: Record<string, unknown>[] = [];
    const bad: QuarantinedRow[] = [];
    results.forEach((t, i) => {
      if (t.ok) good.push(t.row);
      else {
        let key = records[i]![HEADERS[kind][KEY_FIELD[kind] as keyof (typeof HEADERS)[typeof kind]]] ?? '';
        // A customer is in every balance snapshot: its bad line of one snapshot is not that of another.
        if (kind === 'balances' && key) key = `${key}@${records[i]![HEADERS.balances.snapshot_at] ?? ''}`;
        // Line numbers count the header as line 1, as a spreadsheet shows them.
        bad.push({ recordKey: key || `${file.name}:${i + 2}`, reason: t.reason, raw: { file: file.name, line: i + 2, ...records[i] } });
      }
    });
    // Data, then the ledger, then the move: a crash before the ledger re-loads the file, and the
    // ReplacingMergeTree collapses the repeated rows.
    await ctx.ch.insert(`etl.${source}`, TABLE[kind], good);
    // Every snapshot is kept (fact_balance, for trends); the latest per customer is what the warning point
    // reads, kept apart so it is one row per customer whatever order the files come in (history is older).
    if (kind === 'balances') await ctx.ch.insert(`etl.${source}.latest`, 'fact_balance_latest', good);
    if (bad.length) await quarantine(ctx.ch, source, ctx.runId, bad, ctx.now);
    await recordFile(ctx.ch, { source, fileName: file.name, sha256: file.sha256, rows: good.length, status: 'loaded' }, ctx.now);
    // The same content again later in this folder (a re-drop under another name) is then archived unread.
    run.loaded.add(file.sha256);
    await archiveFile(file, drop);
    add(run.totals, { read: records.length, loaded: good.length, quarantined: bad.length });
  }

  /**
   * Moves the staged batch in ClickHouse (bulk.ts), then records and archives its files in order: the same
   * protocol as row by row, for several files at once (a crash before a file's record re-loads it).
   */
  async function flush(kind: BillingKind, ctx: JobContext, run: RunState): Promise<void> {
    const batch = run.batch;
    if (batch.length === 0 || !isBulkKind(kind)) return;
    run.batch = [];
    run.batchRecords = 0;
    run.batchBytes = 0;
    const source = billingSource(kind);
    const loadIds = batch.map((b) => b.loadId);
    // On one node the batch stages into a table of its own, dropped whole after the move (a DELETE from the shared
    // in-memory stage rewrote the rows of every other load staged at the time); a cluster keeps the shared stage.
    let stage: Awaited<ReturnType<typeof openStage<'etl_stage_csv'>>> | null = null;
    try {
      stage = await openStage<'etl_stage_csv'>(ctx.ch, loadIds[0]!);
      try {
        if (batch[0]!.scan)
          await stageCsvFiles(
            ctx.ch,
            `etl.${source}.stage`,
            batch.map((b) => ({ path: b.file.path, loadId: b.loadId, scan: b.scan! })),
            stage,
          );
        else await stageCsv(ctx.ch, `etl.${source}.stage`, batch[0]!.header.length, Buffer.concat(batch.map((b) => b.body!)), stage);
      } catch (err) {
        // The engine refused the text itself (a parse error has a code): the row reader decides what each
        // file of the batch is. Anything else fails the run.
        if (!(isClickHouseQueryError(err) && err.kind === 'query' && err.code !== undefined)) throw err;
        for (const b of batch) {
          try {
            await loadRecords(
              kind,
              ctx,
              b.file,
              parseCsvText(decodeText(await readFile(b.file.path), drop.encoding, b.file.name), b.file.name),
              run,
            );
          } catch (e) {
            if (!(e instanceof UnreadableFileError)) throw e;
            await rejectFile(b.file, drop, e.message);
            await recordFile(
              ctx.ch,
              { source, fileName: b.file.name, sha256: b.file.sha256, rows: 0, status: 'rejected', reason: e.message },
              ctx.now,
            );
          }
        }
        return;
      }
      const counts = await moveStaged(ctx.ch, {
        kind,
        stage,
        files: batch.map((b) => ({ loadId: b.loadId, name: b.file.name })),
        header: batch[0]!.header,
        source,
        runId: ctx.runId,
        tz: cfg.tz,
        now: ctx.now,
      });
      await recordFiles(
        ctx.ch,
        batch.map((b) => ({
          source,
          fileName: b.file.name,
          sha256: b.file.sha256,
          rows: counts.get(b.loadId)!.loaded,
          status: 'loaded' as const,
        })),
        ctx.now,
      );
      for (const b of batch) {
        run.loaded.add(b.file.sha256);
        await archiveFile(b.file, drop);
        add(run.totals, counts.get(b.loadId)!);
      }
    } finally {
      if (ctx.ch.cluster)
        await dropStaged(ctx.ch, loadIds).catch((err: unknown) =>
          console.error(`[etl] ${source}: staged loads left for their TTL: ${err instanceof Error ? err.message : err}`),
        );
      else if (stage) await closeStage(ctx.ch, loadIds[0]!, source);
    }
  }

  const job = (kind: BillingKind): EtlJob => ({
    source: billingSource(kind),
    schedule: cfg.schedules?.[kind] ?? BILLING_SCHEDULES[kind],
    async run(ctx: JobContext): Promise<JobResult> {
      // Only this kind's files and the customer master's are hashed, not the whole shared folder.
      const waiting = await listDroppedFiles(drop, (n) => FILE_PATTERN[kind].test(n) || FILE_PATTERN.customers.test(n));
      const mine = waiting.filter((f) => FILE_PATTERN[kind].test(f.name));
      // Facts name their customer; while a customer master waits in the folder, a new customer's lines would be
      // quarantined as unknown, so they wait for the master's job instead.
      if (kind !== 'customers' && waiting.some((f) => FILE_PATTERN.customers.test(f.name)))
        return { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' };
      const run: RunState = {
        loaded: await loadedAmong(
          ctx.ch,
          billingSource(kind),
          mine.map((f) => f.sha256),
        ),
        orgs: new Map<string, CustomerOrg>(),
        batch: [],
        batchRecords: 0,
        batchBytes: 0,
        totals: { read: 0, loaded: 0, quarantined: 0 },
      };
      for (const file of mine) await loadFile(kind, ctx, file, run);
      await flush(kind, ctx, run);
      const { read, loaded, quarantined } = run.totals;
      // Files are named by export date; the last one taken is the position a person can read.
      const last = mine[mine.length - 1]?.name ?? '';
      return { rowsRead: read, rowsLoaded: loaded, rowsQuarantined: quarantined, watermarkFrom: mine[0]?.name ?? '', watermarkTo: last };
    },
  });

  return billingKinds(cfg).map(job);
}
