import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { divisionOrgUnits } from '@/core/org/org-units';
import { parseLocal } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { kpiRowsInput } from '@/app/_components/alerts/alert-list';
import { responsibleUnit } from '@/app/_components/alerts/drill-subject';
import { seedStarterRules } from '@/server/alerts/starter-rules';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { seedOrgUnits } from '@/server/db/org';
import { renderMessage } from '@/server/duty/messages';
import { FAMILIES } from '@/server/kpi/families';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { loadSimulatorData } from '../helpers/kpi-fixture';
import { testRuntime } from '../helpers/runtime';

// Issue 12, one time-zone rule end to end: every time that leaves the server carries its zone or is formatted
// in Beijing time and says so. On simulator data with alerts fired, a supervision item, run-log entries and a
// handover draft, the outputs of the procedures people read are walked string by string: a date-time without
// `Z` or an offset ('2026-12-05 14:30', '2026-12-05T14:30:00') fails the test, unless it is a documented
// Beijing-formatted display string (preceded by 北京时间) or a KPI question's own time bounds (the drill link's
// `time.from`/`time.to`: kpi.query's input grammar, local business time, handed back to kpi.rows as they are).

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 14:00:00', TZ)!;
const ADMIN: SessionUser = { id: 'admin-li', name: 'admin', role: 'admin', orgCode: '53' };

let ch: ClickHouse;
let db: Db;
let rt: Runtime;
const caller = () => createCaller({ rt, user: ADMIN, headers: new Headers(), now: () => NOW } satisfies Context);

/** A date-time of the day (minutes at least) and what follows it: a zone, or nothing. */
const DATE_TIME = /(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?/g;
/** Paths whose value is a KPI question's time bound (kpi.query input: 'YYYY-MM-DD HH:mm' business time). */
const KPI_BOUND = /\.drill\.time\.(from|to)$|\.time\.(from|to)$/;

/** Every zone-less date-time in `v`, as `path: text`. */
export function zonelessTimes(v: unknown, path = ''): string[] {
  if (typeof v === 'string') {
    if (KPI_BOUND.test(path)) return [];
    const bad = [...v.matchAll(DATE_TIME)].filter((m) => !m[2] && !/北京时间\s*$/.test(v.slice(0, m.index)));
    return bad.length ? [`${path}: ${v.slice(0, 160)}`] : [];
  }
  if (v instanceof Date) return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => zonelessTimes(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => zonelessTimes(x, `${path}.${k}`));
  return [];
}

beforeAll(async () => {
  ch = await testClickHouse();
  await loadSimulatorData(ch, NOW, { customers: 1000 });
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  await seedOrgUnits(db.prisma, divisionOrgUnits());
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW - 3_600_000 });
  await seedStarterRules(db);
  await rt.wall.seedDemoLayouts();
  // Alerts of every kind the starter rules have: figures on business days and on records (work orders, outages,
  // ratings, balances), each with its drill link.
  for (const source of new Set(FAMILIES.flatMap((f) => f.sources))) await rt.alerts.afterBatch(source, NOW);
  await rt.alerts.onClock(NOW);
}, 600_000);

afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe('times leaving the server', () => {
  it('the walker finds a zone-less time and lets zoned and Beijing-labelled ones pass', () => {
    expect(zonelessTimes({ a: '2026-12-05 14:30:00' })).toEqual(['.a: 2026-12-05 14:30:00']);
    expect(zonelessTimes({ a: ['x', { b: '时限 2026-12-05T06:30' }] })).toHaveLength(1);
    expect(zonelessTimes({ a: '2026-12-05T06:30:00.000Z', b: '2026-12-05T14:30:00+08:00', c: '时限 北京时间 2026-12-05 14:30' })).toEqual(
      [],
    );
    expect(zonelessTimes({ drill: { time: { from: '2026-12-05 14:00' } } })).toEqual([]);
  });

  it('every procedure people read answers instants with a zone, or Beijing time labelled so', async () => {
    const c = caller();
    const alerts = await c.alerts.list({ limit: 200 });
    // Not vacuous: the round fired alerts, record alerts among them, and the drill link has its bounds.
    expect(alerts.items.length).toBeGreaterThan(3);
    const kinds = new Set(alerts.items.map((a) => a.kind));
    expect(kinds.has('time_limit') || kinds.has('record_event'), [...kinds].join()).toBe(true);
    const alert = alerts.items[0]!;
    const dueAt = Math.ceil((Date.now() + 4 * 3_600_000) / 60_000) * 60_000;
    const sup = await c.supervision.create({
      eventId: alert.id,
      subjectType: 'alert',
      subjectRef: alert.id,
      // As the desk's form does: a hall's alert is supervised at its county (halls are not org units).
      orgCode: responsibleUnit(alert.orgCode),
      title: '督办：时区检查',
      request: '请于时限内回复',
      // The supervision desk checks the limit against its own clock (real time).
      dueAt,
    });
    await c.runlog.write({ orgCode: '53', text: '交接前巡检' });
    const handover = await c.handover.draft({ orgCode: '53', shiftEndsAt: NOW + 2 * 3_600_000 });
    // The alert centre's drill rows: the kpi.rows question it asks for each alert with a KPI drill link.
    const drills = alerts.items.flatMap((a) => kpiRowsInput(a.drill, 20) ?? []).slice(0, 6);
    expect(drills.length).toBeGreaterThan(0);

    const outputs: Record<string, unknown> = {
      'alerts.list': alerts,
      'alerts.list(recovered)': await c.alerts.list({ limit: 50, state: 'recovered' }),
      'duty.inbox': await c.duty.inbox({}),
      'duty.alert': await Promise.all(alerts.items.slice(0, 10).map((a) => c.duty.alert({ id: a.id }))),
      'duty.deliveries': await c.duty.deliveries({}),
      'duty.channelHealth': await c.duty.channelHealth(),
      'supervision.list': await c.supervision.list({}),
      'supervision.get': await c.supervision.get({ id: sup.id }),
      'runlog.search': await c.runlog.search({}),
      'handover.get': await c.handover.get({ id: handover.id }),
      'handover.list': await c.handover.list({}),
      'system.health': await c.system.health(),
      'rules.list': await c.rules.list(),
      // The records behind alerts (the alert centre's drill rows).
      'kpi.rows': await Promise.all(drills.map((q) => c.kpi.rows(q as never))),
      'wall.zoneData': await Promise.all(
        ['monitoring', 'analysis', 'indicator', 'visitor'].map((zoneId) => c.wall.zoneData({ layoutId: 'demo', zoneId })),
      ),
    };
    // The supervision note in the run log names its time limit in Beijing time.
    const log = (outputs['runlog.search'] as { rows: { text: string }[] }).rows.map((r) => r.text);
    const dueText = new Date(dueAt + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(
      log.some((t) => t.includes(`时限 北京时间 ${dueText}`)),
      log.join('\n'),
    ).toBe(true);
    // Drill rows carry times (not vacuous).
    const rowTimes = JSON.stringify(outputs['kpi.rows']).match(/"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"/g) ?? [];
    expect(rowTimes.length).toBeGreaterThan(0);
    expect(Object.entries(outputs).flatMap(([name, out]) => zonelessTimes(out, name))).toEqual([]);
  });

  it('a duty message says when each alert fired in Beijing time, and says so', () => {
    const firedAt = new Date(Date.parse('2026-11-22T18:30:00Z')); // 02:30 on the 23rd in Beijing
    const msg = renderMessage(
      [{ id: 'a', severity: 'red', orgName: '五华区', title: '五华营业厅排队超限', firedAt }],
      'notify',
      '排队',
      '昆明',
    );
    // Before: "红色 11-22 18:30 …" under a UTC business zone, and never saying which zone.
    expect(msg.lines).toEqual(['红色 北京时间11-23 02:30 五华营业厅排队超限']);
  });
});
