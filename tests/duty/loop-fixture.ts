import { DEMO_LIMITS, demoChannelConfigs, startReceivers, type ReceiverOptions, type Receivers } from '@/etl/simulator/receivers';
import type { Db } from '@/server/db/client';
import type { Severity } from '@/server/db/generated/client';
import { DutyBus, type DutyEvent } from '@/server/duty/bus';
import { DutyDesk } from '@/server/duty/desk';
import type { PolicyInput } from '@/server/duty/policy';
import { Roster } from '@/server/duty/roster';
import { DEFAULT_NOISE, saveNoiseSettings, type NoiseSettings } from '@/server/duty/settings';
import { HOUR, TZ, fakeClock } from './helpers';

// The duty loop on a real database with the simulator's receivers, a fake clock and a small roster:
// 昆明 (5301) has a duty officer and a leader, 五华区 (530102) a hall customer manager; the province a leader.

export const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export const TEST_POLICY: PolicyInput = {
  name: 'test policy',
  priority: 10,
  enabled: true,
  wallBanner: true,
  match: { orgCode: '53' },
  steps: [
    {
      afterMinutes: 0,
      targets: [
        { type: 'on_duty', role: 'hall_manager', level: 'alert' },
        { type: 'on_duty', role: 'duty_officer', level: 'alert' },
      ],
      deliveries: [{ channels: ['demo-wecom'] }, { channels: ['demo-sms'] }],
    },
    { afterMinutes: 10, targets: [{ type: 'on_duty', role: 'leader', level: 'alert' }], deliveries: [{ channels: ['demo-dingtalk'] }] },
    { afterMinutes: 30, targets: [{ type: 'user', username: 'leader.yn' }], deliveries: [{ channels: ['demo-email'] }] },
  ],
};

export interface Loop {
  db: Db;
  clock: ReturnType<typeof fakeClock>;
  receivers: Receivers;
  desk: DutyDesk;
  bus: DutyBus;
  events: DutyEvent[];
  ruleId: string;
  fire(e: { orgCode: string; severity: Severity; title?: string; situationId?: string | null; kind?: string }): Promise<string>;
  recover(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startLoop(
  db: Db,
  start: number,
  opts: { policies?: PolicyInput[]; noise?: Partial<NoiseSettings>; receiverLimits?: ReceiverOptions['limits'] } = {},
): Promise<Loop> {
  const clock = fakeClock(start);
  const receivers = await startReceivers({ now: clock.now, limits: { ...DEMO_LIMITS, ...opts.receiverLimits } });
  for (const c of demoChannelConfigs(receivers))
    await db.prisma.notifyChannel.create({ data: { id: c.id, kind: c.kind, name: c.name, config: c.config as object, updatedBy: 'test' } });
  const people: [string, string, 'duty_officer' | 'hall_manager' | 'manager', string][] = [
    ['duty.km', '5301', 'duty_officer', 'duty_officer'],
    ['hm.wuhua', '530102', 'hall_manager', 'hall_manager'],
    ['leader.km', '5301', 'manager', 'leader'],
    ['leader.yn', '53', 'manager', 'leader'],
  ];
  for (const [username, org, role, dutyRole] of people) {
    await db.prisma.user.create({
      data: {
        username,
        displayName: username,
        email: `${username}@example.cn`,
        role,
        orgUnitCode: org,
        mobile: `139087${String(people.findIndex((p) => p[0] === username)).padStart(5, '0')}`,
      },
    });
    // One long shift per person over the whole test span (the service caps shifts at 24 h; the table does not).
    await db.prisma.dutyShift.create({
      data: {
        orgCode: org,
        dutyRole,
        username,
        startsAt: new Date(start - 24 * HOUR),
        endsAt: new Date(start + 72 * HOUR),
        updatedBy: 'test',
      },
    });
  }
  for (const p of opts.policies ?? [TEST_POLICY]) {
    await db.prisma.routingPolicy.create({
      data: {
        name: p.name,
        priority: p.priority,
        enabled: p.enabled,
        match: p.match,
        steps: p.steps,
        wallBanner: p.wallBanner,
        updatedBy: 'test',
      },
    });
  }
  if (opts.noise) await saveNoiseSettings(db, { ...DEFAULT_NOISE, ...opts.noise }, 'test');
  const rule = await db.prisma.alertRule.create({
    data: { name: '排队等待超时', kind: 'threshold', scopeCode: '53', spec: {}, updatedBy: 'test' },
  });
  const roster = new Roster(db, { now: clock.now });
  const bus = new DutyBus(db);
  const events: DutyEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const desk = new DutyDesk({
    db,
    bus,
    tz: TZ,
    secret: SECRET,
    publicUrl: () => 'http://duty.test',
    now: clock.now,
    roster: { onDuty: (o, r, a) => roster.onDuty(o, r, a) },
  });
  let n = 0;
  return {
    db,
    clock,
    receivers,
    desk,
    bus,
    events,
    ruleId: rule.id,
    async fire(e) {
      const id = `evt-${++n}-${e.orgCode}`;
      const at = new Date(clock.now());
      const ruleId = e.kind
        ? (await db.prisma.alertRule.create({ data: { name: e.kind, kind: e.kind, scopeCode: '53', spec: {}, updatedBy: 'test' } })).id
        : rule.id;
      // As the engine commits: the alert and its outbox row in one transaction.
      await db.prisma.$transaction([
        db.prisma.alertEvent.create({
          data: {
            id,
            ruleId,
            ruleVersion: 1,
            dedupKey: id,
            openKey: id,
            condition: 'breach',
            subject: e.orgCode,
            orgCode: e.orgCode,
            orgName: `单位${e.orgCode}`,
            severity: e.severity,
            state: 'firing',
            title: e.title ?? `${e.orgCode} 排队等待超时`,
            titleEn: 'queue wait over threshold',
            figures: {},
            situationId: e.situationId ?? null,
            firedAt: at,
            updatedAt: at,
          },
        }),
        db.prisma.alertOutbox.create({ data: { eventId: id, change: 'fired', at } }),
      ]);
      return id;
    },
    async recover(id) {
      const at = new Date(clock.now());
      await db.prisma.$transaction([
        db.prisma.alertEvent.update({ where: { id }, data: { state: 'recovered', openKey: null, recoveredAt: at } }),
        db.prisma.alertOutbox.create({ data: { eventId: id, change: 'recovered', at } }),
      ]);
    },
    async close() {
      await desk.stop();
      await bus.close();
      await receivers.close();
    },
  };
}
