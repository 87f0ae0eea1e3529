import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { formatLocal, offsetMs, parseLocal, startOfLocalDay } from '@/core/time';
import { CONTROL_LABEL, FILE_PREFIX, HEADERS, type ControlMode } from '../sources/billing/source-schema';
import { planCustomers, SEASON, type SimCustomer } from './billing-plan';
import { rng, seedOf, type Rng } from './random';

// The balances of the customers on fee control (费控): prepaid households and shops (预付费) and the key accounts
// behind a load-control terminal (负控), as the marketing system's balance snapshot export (余额快照) has them.
//
// Each account is a saw-tooth, deterministic from the seed: the balance drains at the customer's consumption
// rate (its median monthly charge × the month's season) and jumps at each top-up (购电 / 预存电费, a payment at
// the counter or online, in the daytime). Most customers top up while a good part of a month's charge is
// left; in about two cycles in five they wait until the balance is near or below zero (the remote
// disconnection of a household at zero, the credit line of a load-controlled account), so a few percent of
// the accounts sit at or below 20% of their expected charge (电费预警点, DOMAIN §2.4) at any time.
//
// Cadence: like the event exports, the current day is exported hour by hour (a snapshot at each full hour);
// a day that is over is exported as one snapshot at its end (24:00), and the history as one such
// day-end snapshot per day. Top-ups are not in the payments export (which settles bills); see the README.

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MONTH = 30.44 * DAY;

/** Cycles start before this (2024-01-01 00:00 +08:00); any snapshot time after it can be answered. */
export const BALANCE_EPOCH = Date.UTC(2023, 11, 31, 16);
/** Share of the key accounts behind a load-control terminal (负控), besides the prepaid households and shops. */
export const LOAD_CONTROL_SHARE = 0.4;
/** Share of top-up cycles in which the customer waits until the balance is low (≤ 20% of a month's charge). */
const LATE_TOPUP_SHARE = 0.45;

export interface BalanceAccount {
  /** Index in planCustomers order. */
  index: number;
  customer: SimCustomer;
  control: ControlMode;
}

export interface BalanceSnapshot {
  customerId: string;
  control: ControlMode;
  /** May be negative. */
  balanceCents: number;
  /** The period's (month's) expected charge, whole yuan, in cents. */
  expectedCents: number;
  at: number;
}

const accountCache = new Map<string, BalanceAccount[]>();

/** The customers on fee control: every prepaid one, and some key accounts on a load-control terminal. */
export function balanceAccounts(seed: number, count: number): BalanceAccount[] {
  const key = `${seed}|${count}`;
  const cached = accountCache.get(key);
  if (cached) return cached;
  const accounts: BalanceAccount[] = [];
  planCustomers(seed, count).forEach((customer, index) => {
    if (customer.prepaid) accounts.push({ index, customer, control: 'prepaid' });
    else if (customer.keyAccount && rng(seedOf(seed, 'billing', 'load-control', customer.id))() < LOAD_CONTROL_SHARE)
      accounts.push({ index, customer, control: 'load_control' });
  });
  accountCache.clear();
  accountCache.set(key, accounts);
  return accounts;
}

/** Local month (0-11) of an instant, at the zone's offset of the epoch (the province's zone has no DST). */
const monthOf = (ms: number, offset: number) => new Date(ms + offset).getUTCMonth();

/**
 * The month's expected charge (预计电费) of a customer: its median charge × the season (what its bills average
 * to), in whole yuan. `offset`: the zone's offset from UTC in ms.
 */
export function expectedChargeCents(c: SimCustomer, at: number, offset: number): number {
  return Math.max(100, Math.round((c.base * SEASON[monthOf(at, offset)]!) / 100) * 100);
}

/** One account's cycles, generated in order from the epoch: cycle k starts at start[k] with balance high[k]. */
interface Cycles {
  r: Rng;
  start: number[];
  high: number[];
  /** Cents per ms. */
  rate: number[];
  /** Balance at which the customer means to top up, cents. */
  trigger: number[];
}

export class BalancePlan {
  private readonly cycles = new Map<string, Cycles>();
  private readonly offset: number;

  constructor(private readonly opts: { seed: number; tz: string; customers: number }) {
    this.offset = offsetMs(BALANCE_EPOCH, opts.tz);
  }

  accounts(): BalanceAccount[] {
    return balanceAccounts(this.opts.seed, this.opts.customers);
  }

  /** Every account's balance at `at`. */
  snapshot(at: number): BalanceSnapshot[] {
    return this.accounts().map((a) => this.balanceOf(a, at));
  }

  balanceOf(a: BalanceAccount, at: number): BalanceSnapshot {
    const c = this.cyclesOf(a, at);
    // The last cycle that started at or before `at`.
    let lo = 0;
    let hi = c.start.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (c.start[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    const balanceCents = Math.round(c.high[lo]! - c.rate[lo]! * (at - c.start[lo]!));
    return {
      customerId: a.customer.id,
      control: a.control,
      balanceCents,
      expectedCents: expectedChargeCents(a.customer, at, this.offset),
      at,
    };
  }

  /** Top-up instants of an account in [from, to), for tests and the curious. */
  topUps(a: BalanceAccount, from: number, to: number): number[] {
    const c = this.cyclesOf(a, to);
    return c.start.filter((s, i) => i > 0 && s >= from && s < to);
  }

  private monthlyCharge(c: SimCustomer, at: number): number {
    return c.base * SEASON[monthOf(at, this.offset)]!;
  }

  /** The account's cycles, generated until one starts after `until`. */
  private cyclesOf(a: BalanceAccount, until: number): Cycles {
    const c = a.customer;
    let cy = this.cycles.get(c.id);
    if (!cy) {
      const r = rng(seedOf(this.opts.seed, 'billing', 'balance', c.id));
      const s0 = BALANCE_EPOCH - r() * 30 * DAY;
      const e0 = this.monthlyCharge(c, s0);
      cy = { r, start: [s0], high: [e0 * (0.6 + 1.4 * r())], rate: [], trigger: [] };
      this.drawCycle(cy, a, e0);
      this.cycles.set(c.id, cy);
    }
    const { r } = cy;
    while (cy.start[cy.start.length - 1]! <= until) {
      const k = cy.start.length - 1;
      const s = cy.start[k]!;
      const h = cy.high[k]!;
      // Reaches its trigger, then tops up in the daytime (08:00-22:00 local).
      let end = s + Math.max(HOUR, (h - cy.trigger[k]!) / cy.rate[k]!);
      const hourOfDay = ((((end + this.offset) % DAY) + DAY) % DAY) / HOUR;
      if (hourOfDay < 8) end += (8 - hourOfDay + r() * 3) * HOUR;
      else if (hourOfDay >= 22) end += (32 - hourOfDay + r() * 3) * HOUR;
      end = Math.floor(end / 1000) * 1000;
      const low = h - cy.rate[k]! * (end - s);
      const e = this.monthlyCharge(c, end);
      cy.start.push(end);
      cy.high.push(0);
      const trigger = this.drawCycle(cy, a, e);
      // A top-up in round amounts: 50 yuan for households, 100 for shops, 10,000 for key accounts; at least
      // what lifts the balance well above the next trigger (a customer in debt pays it off first).
      const unit = a.control === 'load_control' ? 1_000_000 : c.cls === 'residential' ? 5000 : 10_000;
      const wanted = Math.max(e * (0.8 + 1.7 * r()), trigger + 0.35 * e - low);
      cy.high[k + 1] = low + Math.ceil(wanted / unit) * unit;
    }
    return cy;
  }

  /** Draws the rate and the trigger of the cycle just pushed; returns the trigger. */
  private drawCycle(cy: Cycles, a: BalanceAccount, monthly: number): number {
    const r = cy.r;
    cy.rate.push((monthly * (0.85 + 0.3 * r())) / MONTH);
    // On time: with a quarter to two thirds of a month's charge left. Late: from 20% down to a little
    // below zero (a load-controlled account's credit line goes further).
    const floor = a.control === 'load_control' ? -0.3 : -0.12;
    const u = r() < LATE_TOPUP_SHARE ? floor + (0.2 - floor) * r() : 0.25 + 0.45 * r();
    const trigger = u * monthly;
    cy.trigger.push(trigger);
    return trigger;
  }
}

// ---- the export ------------------------------------------------------------------------------------------

export interface BalanceSimOptions {
  seed: number;
  tz: string;
  customers: number;
  /** The billing drop folder (the ETL's). */
  dropDir: string;
  stateFile: string;
}

interface BalanceState {
  /** Local start of the day of the first start: days before are history. */
  origin: number;
  /** Snapshots up to this instant have been exported. */
  exportedTo: number;
}

const hourFloor = (ms: number) => Math.floor(ms / HOUR) * HOUR;
const yuan = (cents: number) => `${cents < 0 ? '-' : ''}${(Math.abs(cents) / 100).toFixed(2)}`;

/** The balance snapshot export as the marketing system writes it: GBK CSV, Chinese headers and labels. */
export function balanceCsv(rows: BalanceSnapshot[], tz: string): Buffer {
  const lines = [Object.values(HEADERS.balances).join(',')];
  for (const s of rows)
    lines.push(
      [s.customerId, CONTROL_LABEL[s.control], yuan(s.balanceCents), yuan(s.expectedCents), formatLocal(s.at, tz).slice(0, 19)].join(','),
    );
  return iconv.encode(lines.join('\r\n') + '\r\n', 'gbk');
}

export class BalanceSimulator {
  readonly plan: BalancePlan;
  private state: BalanceState | null = null;

  constructor(private readonly opts: BalanceSimOptions) {
    this.plan = new BalancePlan(opts);
  }

  async init(): Promise<void> {
    await mkdir(this.opts.dropDir, { recursive: true });
    await mkdir(path.dirname(this.opts.stateFile), { recursive: true });
    if (existsSync(this.opts.stateFile)) this.state = JSON.parse(await readFile(this.opts.stateFile, 'utf8')) as BalanceState;
  }

  get exportedTo(): number | null {
    return this.state?.exportedTo ?? null;
  }

  /** Writes the snapshots due by `now`: a closed day at its end, the current day at each full hour. */
  async advanceTo(now: number): Promise<number> {
    const { tz } = this.opts;
    if (!this.state) {
      const origin = startOfLocalDay(now, tz);
      this.state = { origin, exportedTo: origin };
    }
    const state = this.state;
    let written = 0;
    const until = hourFloor(now);
    while (state.exportedTo < until) {
      const from = state.exportedTo;
      const nextDay = startOfLocalDay(startOfLocalDay(from, tz) + DAY + 3 * HOUR, tz);
      const to = nextDay <= until ? nextDay : from + HOUR;
      const day = formatLocal(from, tz).slice(0, 10).replace(/-/g, '');
      written += await this.writeSnapshot(to, to === nextDay ? day : `${day}_${formatLocal(from, tz).slice(11, 13)}`);
      state.exportedTo = to;
      await this.saveState();
    }
    await this.saveState();
    return written;
  }

  /** One past local day (before the first start): its day-end snapshot, in a file marked `_history`. */
  async writeHistoryDay(ymd: string): Promise<number> {
    if (!this.state) return 0;
    const { tz } = this.opts;
    const dayStart = parseLocal(`${ymd} 00:00:00`, tz);
    if (dayStart === null) throw new Error(`bad date ${ymd}`);
    const end = startOfLocalDay(dayStart + DAY + 3 * HOUR, tz);
    if (end > this.state.origin) return 0;
    return this.writeSnapshot(end, `${ymd.replace(/-/g, '')}_history`);
  }

  private async writeSnapshot(at: number, stamp: string): Promise<number> {
    const rows = this.plan.snapshot(at);
    const name = `${FILE_PREFIX.balances}_${stamp}.csv`;
    const tmp = path.join(this.opts.dropDir, `.${name}.tmp`);
    await writeFile(tmp, balanceCsv(rows, this.opts.tz));
    await rename(tmp, path.join(this.opts.dropDir, name));
    return rows.length;
  }

  private async saveState() {
    const tmp = `${this.opts.stateFile}.tmp`;
    await writeFile(tmp, JSON.stringify(this.state));
    await rename(tmp, this.opts.stateFile);
  }
}

export interface BalanceSimulatorHandle {
  /**
   * Exports what is due by `now`. Run it after the billing simulator's tick, in the same task: the snapshots
   * name customers of the customer master that tick drops first, and the scheduler starts the `billing.` jobs
   * only after that task's first tick.
   */
  tick(now: number): Promise<number>;
  history: { name: string; sources: string[]; prepareDay(ymd: string): Promise<void> };
}

/** The balance export, shaped like the billing simulator's handle; drops into the billing drop folder. */
export async function startBalanceSimulator(opts: {
  dropDir: string;
  dataDir: string;
  seed: number;
  tz: string;
  customers?: number;
}): Promise<BalanceSimulatorHandle> {
  const sim = new BalanceSimulator({
    seed: opts.seed,
    tz: opts.tz,
    customers: opts.customers ?? 100_000,
    dropDir: opts.dropDir,
    stateFile: path.join(opts.dataDir, 'sources', 'billing-balances-sim.json'),
  });
  await sim.init();
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
    tick,
    // Its own history progress: an installation whose billing history is done catches up the balances alone.
    history: {
      name: 'billing-balances',
      sources: ['billing.balances'],
      prepareDay: async (ymd) => void (await sim.writeHistoryDay(ymd)),
    },
  };
}
