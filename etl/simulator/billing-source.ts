import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { formatLocal, parseLocal, startOfLocalDay } from '@/core/time';
import type { SimulatorHistorySystem } from './types';
import {
  CHANNEL_LABEL,
  CLASS_LABEL,
  DUNNING_CHANNEL_LABEL,
  FILE_PATTERN,
  FILE_PREFIX,
  HEADERS,
  NO,
  RESULT_LABEL,
  YES,
  type BillingKind,
} from '../sources/billing/source-schema';
import {
  addMonths,
  billingRun,
  CARRIED_MONTHS,
  lastEventOf,
  latestRun,
  planBillingMonth,
  planCustomerBill,
  planCustomers,
  type BillingPlanOptions,
  type SimBill,
  type SimDisconnection,
  type SimDunning,
  type SimPayment,
} from './billing-plan';

// Plays the marketing system's exports (营销系统 抄核收) into a drop folder, the way its nightly and intra-day
// export jobs do: the customer master (客户档案) and the bills (电费账单) as Excel workbooks at each monthly
// billing run, payments (缴费流水) as GBK CSV with Chinese headers, dunning records (催费记录) as UTF-8 CSV with a
// BOM, and disconnection/reconnection records (停复电记录) as GBK CSV. Event exports cover whole past days in
// one file per day and the current day in one file per hour, so a catch-up is a few dozen files and the live
// screens trail by at most an hour.
//
// First start: the customer master, the bills of the latest and the previous billing run with everything that
// happened since the previous one, and the still-unpaid bills of the CARRIED_MONTHS before (欠费结转), so
// arrears aged 30/60/90+ days exist at once. The position is kept in a state file next to the drop folder.

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface BillingSimOptions extends BillingPlanOptions {
  /** Where the exports are dropped (the ETL's drop folder). */
  dropDir: string;
  /** Where the simulator keeps its position. */
  stateFile: string;
}

interface SimState {
  /** The previous billing run at first start: events before it were never exported. */
  origin: number;
  /** Events up to this instant (inclusive) have been exported. */
  exportedTo: number;
  /** Consumption months whose bills have been exported. */
  months: string[];
}

/** The longest after its billing run anything happens to a bill (a chronic debtor paying after half a year). */
const BILL_LIFETIME_MS = 190 * DAY;
/** Months of events the history keeps at hand: one bill lifetime of billing runs, and one to spare. */
const HISTORY_MONTHS_CACHED = 8;

const hourFloor = (ms: number) => Math.floor(ms / HOUR) * HOUR;
const yuan = (cents: number) => (cents / 100).toFixed(2);

function csv(rows: string[][]): string {
  return rows.map((row) => row.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n') + '\r\n';
}

export class BillingSimulator {
  private state: SimState | null = null;
  /** Events of exported bills not yet exported, by consumption month, in time order. */
  private readonly live = new Map<string, LiveEvent[]>();
  /** When each event of a consumption month's bills happens, for the history (least recently used first). */
  private readonly historyEvents = new Map<string, EventIndex>();

  constructor(private readonly opts: BillingSimOptions) {}

  async init(): Promise<void> {
    await mkdir(this.opts.dropDir, { recursive: true });
    await mkdir(path.dirname(this.opts.stateFile), { recursive: true });
    if (existsSync(this.opts.stateFile)) {
      this.state = JSON.parse(await readFile(this.opts.stateFile, 'utf8')) as SimState;
      for (const m of this.state.months) this.keepLive(m, this.exportedBills(m));
    }
  }

  /** Events up to this instant have been exported (null before the first advance). */
  get exportedTo(): number | null {
    return this.state?.exportedTo ?? null;
  }

  /** The bills the simulator has exported for a consumption month, with their whole planned fate. */
  exportedBills(billMonth: string): SimBill[] {
    if (!this.state?.months.includes(billMonth)) return [];
    const bills = planBillingMonth(this.opts, billMonth);
    return this.isCarried(billMonth) ? bills.filter((b) => unpaidAt(b, this.state!.origin)) : bills;
  }

  /** Writes every export due by `now`; returns the number of records written. */
  async advanceTo(now: number): Promise<number> {
    const { tz } = this.opts;
    let written = 0;
    const firstStart = !this.state;
    if (!this.state) {
      const origin = billingRun(addMonths(latestRun(now, tz).billMonth, -1), tz).issuedAt;
      this.state = { origin, exportedTo: origin, months: [] };
      written += await this.writeCustomers(now);
      const first = billingRun(addMonths(latestRun(origin, tz).billMonth, -CARRIED_MONTHS), tz).billMonth;
      for (let m = first; billingRun(m, tz).issuedAt < origin; m = addMonths(m, 1)) written += await this.writeBills(m);
    }
    const state = this.state;
    // Billing runs that have come: the master (unchanged content is skipped by the ETL's ledger), then bills.
    for (let m = latestRun(state.origin, tz).billMonth; billingRun(m, tz).issuedAt <= now; m = addMonths(m, 1)) {
      if (state.months.includes(m)) continue;
      if (billingRun(m, tz).issuedAt > state.origin && !firstStart) written += await this.writeCustomers(billingRun(m, tz).issuedAt);
      written += await this.writeBills(m);
    }
    // Event exports: a whole day in one file when the day is over, else hour by hour.
    const until = hourFloor(now);
    while (state.exportedTo < until) {
      const from = state.exportedTo;
      const dayStart = startOfLocalDay(from, tz);
      const nextDay = startOfLocalDay(dayStart + DAY + 3 * HOUR, tz);
      // The rest of a day that is over in one file (from its start, or from the first start's billing run).
      const to = nextDay <= until ? nextDay : from + HOUR;
      const day = formatLocal(from, tz).slice(0, 10).replace(/-/g, '');
      const stamp = to === nextDay ? day : `${day}_${formatLocal(from, tz).slice(11, 13)}`;
      written += await this.writeEvents(from, to, stamp);
      state.exportedTo = to;
      this.prune();
      await this.saveState();
    }
    await this.saveState();
    return written;
  }

  /**
   * Writes one past local day (YYYY-MM-DD) of exports, as the marketing system exports its past on request:
   * the bills of a billing run that day (every customer's; the first start exported only the bills of earlier
   * months still unpaid then) and the day's payments, dunning and disconnection records, in files marked
   * `_history`. Only what happened before the first start's origin: the rest is the live exports'. Same
   * content on every call, which the ETL's file ledger loads once. Returns the records written.
   */
  async writeHistoryDay(ymd: string): Promise<number> {
    const { tz } = this.opts;
    if (!this.state) return 0;
    const dayStart = parseLocal(`${ymd} 00:00:00`, tz);
    if (dayStart === null) throw new Error(`bad date ${ymd}`);
    const to = Math.min(startOfLocalDay(dayStart + DAY + 3 * HOUR, tz), this.state.origin);
    if (to <= dayStart) return 0;
    let written = 0;
    const months = new Map<string, LiveEvent[]>();
    for (let m = latestRun(to - 1, tz).billMonth; billingRun(m, tz).issuedAt > dayStart - BILL_LIFETIME_MS; m = addMonths(m, -1)) {
      const issuedAt = billingRun(m, tz).issuedAt;
      if (issuedAt >= dayStart && issuedAt < to) {
        const bills = planBillingMonth(this.opts, m);
        await this.dropBills(`${m.replace('-', '')}_history`, bills);
        written += bills.length;
      }
      months.set(m, this.monthEvents(m, dayStart, to));
    }
    written += await this.writeEvents(dayStart, to, `${ymd.replace(/-/g, '')}_history`, months);
    return written;
  }

  /**
   * The events in [from, to) of a month's bills. A month's events are kept as times and bill numbers only (a
   * month of event objects is ~30 MB at 100,000 customers, and a day needs half a year of months); the
   * bills with events in the range are planned again, one by one.
   */
  private monthEvents(billMonth: string, from: number, to: number): LiveEvent[] {
    let index = this.historyEvents.get(billMonth);
    if (index) this.historyEvents.delete(billMonth);
    else {
      const events = eventsOf(planBillingMonth(this.opts, billMonth), -Infinity);
      const customers = new Map(planCustomers(this.opts.seed, this.opts.customers).map((c, i) => [c.id, i]));
      index = { at: Float64Array.from(events, (e) => e.at), customer: Int32Array.from(events, (e) => customers.get(customerOf(e))!) };
      if (this.historyEvents.size >= HISTORY_MONTHS_CACHED) this.historyEvents.delete(this.historyEvents.keys().next().value!);
    }
    this.historyEvents.set(billMonth, index);
    const bills = new Map<number, SimBill>();
    for (let i = firstAtOrAfter(index.at, from); i < index.at.length && index.at[i]! < to; i++) {
      const c = index.customer[i]!;
      if (!bills.has(c)) bills.set(c, planCustomerBill(this.opts, billMonth, c));
    }
    return eventsOf([...bills.values()], from).filter((e) => e.at < to);
  }

  private isCarried(billMonth: string): boolean {
    return billingRun(billMonth, this.opts.tz).issuedAt < this.state!.origin;
  }

  private keepLive(billMonth: string, exported: SimBill[]) {
    const events = eventsOf(exported, this.state!.exportedTo);
    if (events.length) this.live.set(billMonth, events);
  }

  /** Drops the events already exported. */
  private prune() {
    const to = this.state!.exportedTo;
    for (const [m, events] of this.live) {
      const rest = events.slice(firstAtOrAfter(events, to));
      if (rest.length === 0) this.live.delete(m);
      else if (rest.length < events.length) this.live.set(m, rest);
    }
  }

  private async saveState() {
    const tmp = `${this.opts.stateFile}.tmp`;
    await writeFile(tmp, JSON.stringify(this.state));
    await rename(tmp, this.opts.stateFile);
  }

  /** Writes under a dot name and renames, so the ETL never lists a half-written export. */
  private async drop(kind: BillingKind, stamp: string, ext: string, write: (file: string) => Promise<void>): Promise<void> {
    const name = `${FILE_PREFIX[kind]}_${stamp}${ext}`;
    const tmp = path.join(this.opts.dropDir, `.${name}.tmp`);
    await write(tmp);
    await rename(tmp, path.join(this.opts.dropDir, name));
  }

  private async writeCustomers(at: number): Promise<number> {
    const customers = planCustomers(this.opts.seed, this.opts.customers);
    const h = HEADERS.customers;
    await this.drop('customers', formatLocal(at, this.opts.tz).slice(0, 10).replace(/-/g, ''), '.xlsx', async (file) => {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
      const sheet = wb.addWorksheet('客户档案');
      sheet.addRow(Object.values(h)).commit();
      for (const c of customers) {
        sheet
          .addRow([
            c.id,
            c.name,
            c.countyCode,
            CLASS_LABEL[c.cls],
            c.industry,
            c.keyAccount ? YES : NO,
            c.prepaid ? YES : NO,
            c.bank ?? '',
            c.openedOn,
          ])
          .commit();
      }
      sheet.commit();
      await wb.commit();
    });
    return customers.length;
  }

  private async writeBills(billMonth: string): Promise<number> {
    // Recorded first: exportedBills serves only months on the list.
    if (!this.state!.months.includes(billMonth)) this.state!.months.push(billMonth);
    const bills = this.exportedBills(billMonth);
    await this.dropBills(billMonth.replace('-', ''), bills);
    this.keepLive(billMonth, bills);
    return bills.length;
  }

  private async dropBills(stamp: string, bills: SimBill[]): Promise<void> {
    const { tz } = this.opts;
    await this.drop('bills', stamp, '.xlsx', async (file) => {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
      const sheet = wb.addWorksheet('应收明细');
      sheet.columns = Object.values(HEADERS.bills).map((header, i) => ({
        header,
        width: 18,
        style: i === 3 ? { numFmt: '0.00' } : i === 4 ? { numFmt: 'yyyy-mm-dd' } : {},
      }));
      for (const b of bills) {
        const [y, m, d] = b.dueDate.split('-').map(Number) as [number, number, number];
        // Due date as an Excel date (exceljs: UTC fields = the wall clock), the run time as the system's text.
        sheet
          .addRow([
            b.billId,
            b.customerId,
            b.billMonth,
            b.cents / 100,
            new Date(Date.UTC(y, m - 1, d)),
            formatLocal(b.issuedAt, tz).slice(0, 19),
          ])
          .commit();
      }
      sheet.commit();
      await wb.commit();
    });
  }

  /** Exports the events in [from, to) of the given months' bills (default: the live ones). */
  private async writeEvents(from: number, to: number, stamp: string, byMonth = this.live): Promise<number> {
    const { tz } = this.opts;
    const t = (ms: number) => formatLocal(ms, tz).slice(0, 19);
    const payments: string[][] = [];
    const dunning: string[][] = [];
    const reconnections: string[][] = [];
    const months = [...byMonth.keys()].sort();
    for (const m of months) {
      const events = byMonth.get(m)!;
      const reported = new Set<SimDisconnection>();
      for (let i = firstAtOrAfter(events, from); i < events.length && events[i]!.at < to; i++) {
        const { payment: p, dunning: d, disconnection: x } = events[i]!;
        if (p)
          payments.push([
            p.paymentId,
            p.billId,
            p.customerId,
            yuan(p.cents),
            t(p.paidAt),
            CHANNEL_LABEL[p.channel],
            p.bank,
            RESULT_LABEL[p.result],
            p.failureReason,
          ]);
        else if (d) dunning.push([d.dunningId, d.customerId, d.billId, t(d.dunnedAt), DUNNING_CHANNEL_LABEL[d.channel], yuan(d.cents)]);
        else if (x && !reported.has(x)) {
          // One record per disconnection and export, as of the end of the slice: later events are not known yet.
          reported.add(x);
          const known = (ms: number | null) => (ms !== null && ms < to ? ms : null);
          const paid = known(x.paidAt);
          const reconnected = known(x.reconnectedAt);
          const updated = Math.max(x.disconnectedAt, paid ?? 0, reconnected ?? 0);
          reconnections.push([
            x.disconnectionId,
            x.customerId,
            t(x.noticeAt),
            t(x.disconnectedAt),
            paid === null ? '' : t(paid),
            reconnected === null ? '' : t(reconnected),
            t(updated),
          ]);
        }
      }
    }
    const byTime = (col: number) => (a: string[], b: string[]) => (a[col]! < b[col]! ? -1 : a[col]! > b[col]! ? 1 : 0);
    if (payments.length) {
      payments.sort(byTime(4));
      const text = csv([Object.values(HEADERS.payments), ...payments]);
      await this.drop('payments', stamp, '.csv', (file) => writeFile(file, iconv.encode(text, 'gbk')));
    }
    if (dunning.length) {
      dunning.sort(byTime(3));
      const text = csv([Object.values(HEADERS.dunning), ...dunning]);
      await this.drop('dunning', stamp, '.csv', (file) =>
        writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
      );
    }
    if (reconnections.length) {
      reconnections.sort(byTime(6));
      const text = csv([Object.values(HEADERS.reconnections), ...reconnections]);
      await this.drop('reconnections', stamp, '.csv', (file) => writeFile(file, iconv.encode(text, 'gbk')));
    }
    return payments.length + dunning.length + reconnections.length;
  }
}

/** One thing that happens to a bill; only what its export row needs, so a month of them outlives its bills. */
interface LiveEvent {
  at: number;
  payment?: SimPayment;
  dunning?: SimDunning;
  /** A change (disconnected, paid, reconnected) of the bill's disconnection for arrears. */
  disconnection?: SimDisconnection;
}

/** The bills' events at or after `from`, in time order. */
function eventsOf(bills: SimBill[], from: number): LiveEvent[] {
  const events: LiveEvent[] = [];
  for (const b of bills) {
    if (lastEventOf(b) < from) continue;
    for (const p of b.payments) if (p.paidAt >= from) events.push({ at: p.paidAt, payment: p });
    for (const d of b.dunnings) if (d.dunnedAt >= from) events.push({ at: d.dunnedAt, dunning: d });
    const x = b.disconnection;
    if (x)
      for (const at of [x.disconnectedAt, x.paidAt, x.reconnectedAt]) if (at !== null && at >= from) events.push({ at, disconnection: x });
  }
  return events.sort((a, b) => a.at - b.at);
}

/** A month's events, in time order, as times and the customer (planCustomers index) whose bill each is of. */
interface EventIndex {
  at: Float64Array;
  customer: Int32Array;
}

const customerOf = (e: LiveEvent) => (e.payment ?? e.dunning ?? e.disconnection)!.customerId;

/** Index of the first event at or after `at` (events, or their times, in time order). */
function firstAtOrAfter(events: LiveEvent[] | Float64Array, at: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = events instanceof Float64Array ? events[mid]! : events[mid]!.at;
    if (t < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when no successful payment settled the bill before `at`. */
export function unpaidAt(b: SimBill, at: number): boolean {
  return b.settledAt === null || b.settledAt >= at;
}

export interface BillingSimulatorHandle {
  tasks: { name: string; schedule: string; tick(now: number): Promise<number>; feeds: string[] }[];
  /** Its part of the history back-fill (etl/simulator/start.ts's SimulatorHistorySystem). */
  history: SimulatorHistorySystem & { prepareDay(ymd: string): Promise<void>; verifyDay(ymd: string): Promise<string | null> };
  vars: Record<string, string>;
  close(): Promise<void>;
}

/** The drop folder the simulated marketing system exports into, under DATA_DIR. */
export const billingDropDir = (dataDir: string) => path.join(dataDir, 'drops', 'billing');

/**
 * The simulated marketing-system exports, shaped like etl/simulator/start.ts's Simulator: drops into
 * `billingDropDir(dataDir)` (the sources file's `${DATA_DIR}/drops/billing`), state in `DATA_DIR/sources`.
 */
export async function startBillingSimulator(opts: {
  dataDir: string;
  seed: number;
  tz: string;
  customers?: number;
}): Promise<BillingSimulatorHandle> {
  const sim = new BillingSimulator({
    seed: opts.seed,
    tz: opts.tz,
    customers: opts.customers ?? 100_000,
    dropDir: billingDropDir(opts.dataDir),
    stateFile: path.join(opts.dataDir, 'sources', 'billing-sim.json'),
  });
  await sim.init();
  // The first start writes a month and a half of exports (about 40 s for 100,000 customers); a tick that
  // comes meanwhile does nothing rather than export the same slices twice.
  let running: Promise<number> | null = null;
  const tick = async (now: number): Promise<number> => {
    if (running) return 0;
    running = sim.advanceTo(now);
    try {
      return await running;
    } finally {
      running = null;
    }
  };
  return {
    tasks: [{ name: 'simulator.billing', schedule: '0 * * * * *', tick, feeds: ['billing.'] }],
    history: {
      name: 'billing',
      // The master first: while one waits in the folder, the other exports' jobs leave their files there.
      sources: ['billing.customers', 'billing.bills', 'billing.payments', 'billing.dunning', 'billing.reconnections'],
      // The exports after the master side by side: each job takes its own kind's files, and their checks read the
      // customer master, not one another's facts.
      sourcesSideBySide: 'after-first',
      prepareDay: async (ymd) => void (await sim.writeHistoryDay(ymd)),
      // The jobs take every waiting export of their kind; a `_history` file still there was not loaded. The
      // balance snapshots share the folder but are another system's (billing-balances), whose next day may
      // already be written while this one's day is checked.
      verifyDay: async () => {
        const left = (await readdir(billingDropDir(opts.dataDir))).filter(
          (n) => !n.startsWith('.') && n.includes('_history') && !FILE_PATTERN.balances.test(n),
        );
        return left.length ? `${left.length} history export(s) not loaded, still waiting: ${left.slice(0, 3).join(', ')}` : null;
      },
    },
    vars: {},
    close: async () => undefined,
  };
}
