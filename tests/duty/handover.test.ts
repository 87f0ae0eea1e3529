import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/server/db/client';
import { dutyServices, type DutyServices } from '@/server/duty/services';
import { HOUR, MINUTE, TZ, alertEvent, at, dutyDb, fakeClock, person } from './helpers';

// 交接班: the generated summary (open alerts by severity and the most severe, pending supervision, the
// shift's run log, source health), edits while a draft, submit by the outgoing person, acknowledgement by
// another, and immutability afterwards.

const clock = fakeClock(at('2026-11-23 15:30'));
const SHIFT_END = at('2026-11-23 16:00');
let db: Db;
let duty: DutyServices;
let healthCalls = 0;

beforeAll(async () => {
  db = await dutyDb();
  duty = dutyServices(db, {
    tz: TZ,
    now: clock.now,
    sourceHealth: () => {
      healthCalls++;
      return Promise.resolve([
        { source: 'cti.calls', status: 'ok', lagSeconds: 40 },
        { source: 'workorder.orders', status: 'late', lagSeconds: 1800 },
      ]);
    },
  });
  await person(db, 'li', '5301');
  await person(db, 'zhang', '5301');
  await duty.roster.save(
    { orgCode: '5301', dutyRole: 'duty_officer', username: 'li', startsAt: at('2026-11-23 08:00'), endsAt: SHIFT_END },
    'admin',
  );
  // Open alerts in 昆明's subtree: 2 red, 1 orange, 1 blue (and 22 yellow to overflow the top 20); closed and foreign ones.
  await alertEvent(db, {
    orgCode: '530102',
    severity: 'red',
    title: '红色A',
    firedAt: at('2026-11-23 10:00'),
    owner: 'li',
    phase: 'acknowledged',
  });
  await alertEvent(db, { orgCode: '5301', severity: 'red', title: '红色B', firedAt: at('2026-11-23 09:00') });
  await alertEvent(db, { orgCode: '530103', severity: 'orange', title: '橙色', firedAt: at('2026-11-23 11:00') });
  await alertEvent(db, { orgCode: '530103', severity: 'blue', title: '蓝色', firedAt: at('2026-11-23 07:00') });
  for (let i = 0; i < 22; i++)
    await alertEvent(db, { orgCode: '530111', severity: 'yellow', title: `黄色${i}`, firedAt: at('2026-11-23 08:00') + i * MINUTE });
  await alertEvent(db, {
    orgCode: '530102',
    severity: 'red',
    title: '已关闭',
    firedAt: at('2026-11-23 08:00'),
    phase: 'closed',
    closedAt: at('2026-11-23 09:00'),
  });
  await alertEvent(db, { orgCode: '5303', severity: 'red', title: '曲靖', firedAt: at('2026-11-23 08:00') });
  const sup = (orgCode: string, status: string, title: string) =>
    db.prisma.supervision.create({
      data: {
        subjectType: 'record',
        subjectRef: title,
        orgCode,
        title,
        request: 'r',
        dueAt: new Date(at('2026-11-23 18:00')),
        status,
        createdBy: 'x',
        createdAt: new Date(at('2026-11-23 09:00')),
        updatedAt: new Date(at('2026-11-23 09:00')),
      },
    });
  await sup('530102', 'sent', '待回复');
  await sup('5301', 'replied', '待核实');
  await sup('5301', 'closed', '已办结');
  await sup('5303', 'sent', '曲靖督办');
  await duty.runLog.record({
    orgCode: '5301',
    category: 'alert',
    origin: 'auto',
    actor: 'system',
    text: '班内事件',
    at: at('2026-11-23 12:00'),
  });
  await duty.runLog.record({
    orgCode: '5301',
    category: 'alert',
    origin: 'auto',
    actor: 'system',
    text: '上一班事件',
    at: at('2026-11-23 07:00'),
  });
  await duty.runLog.record({
    orgCode: '5303',
    category: 'alert',
    origin: 'auto',
    actor: 'system',
    text: '曲靖事件',
    at: at('2026-11-23 12:00'),
  });
});
afterAll(() => db?.close());

describe('handover', () => {
  let id: string;

  it('drafts the summary of the unit subtree for the outgoing shift', async () => {
    const h = await duty.handover.draft('5301', 'li', SHIFT_END, clock.now());
    id = h.id;
    expect(h.status).toBe('draft');
    expect(h.shiftEndsAt).toBe(new Date(SHIFT_END).toISOString());
    const s = h.summary;
    expect(s.shift.from).toBe(new Date(at('2026-11-23 08:00')).toISOString());
    expect(s.alerts.open).toBe(26);
    expect(s.alerts.bySeverity).toEqual({ red: 2, orange: 1, yellow: 22, blue: 1 });
    expect(s.alerts.top).toHaveLength(20);
    expect(s.alerts.top.slice(0, 3).map((a) => a.title)).toEqual(['红色B', '红色A', '橙色']);
    expect(s.alerts.top[1]).toMatchObject({ phase: 'acknowledged', owner: 'li', orgCode: '530102' });
    expect(s.alerts.top.some((a) => a.title === '已关闭' || a.title === '曲靖' || a.title === '蓝色')).toBe(false);
    expect(s.supervision.pending).toBe(2);
    expect(s.supervision.items.map((x) => x.title).sort()).toEqual(['待回复', '待核实']);
    expect(s.events.map((e) => e.text)).toEqual(['班内事件']);
    expect(s.sources).toHaveLength(2);
    expect(s.sources[1]).toEqual({ source: 'workorder.orders', status: 'late', lagSeconds: 1800 });
    expect(healthCalls).toBe(1);
  });

  it('edits while a draft, submits by the outgoing person only, regenerates a draft', async () => {
    expect((await duty.handover.update(id, '注意：红色预警两条未处理')).notes).toBe('注意：红色预警两条未处理');
    await expect(duty.handover.update(id, 'x', 'zhang')).rejects.toThrow(/only the outgoing officer/);
    // Drafting the same shift again refreshes the summary and keeps the notes.
    const again = await duty.handover.draft('5301', 'li', SHIFT_END, clock.now());
    expect(again.id).toBe(id);
    expect(again.notes).toBe('注意：红色预警两条未处理');
    await expect(duty.handover.submit(id, 'zhang')).rejects.toThrow(/only the outgoing officer/);
    await expect(duty.handover.acknowledge(id, 'zhang')).rejects.toThrow(/not submitted/);
    clock.set(SHIFT_END);
    const sub = await duty.handover.submit(id, 'li');
    expect(sub).toMatchObject({ status: 'submitted', submittedAt: new Date(SHIFT_END).toISOString() });
    await expect(duty.handover.update(id, 'late edit', 'li')).rejects.toThrow(/only a draft can be changed/);
    await expect(duty.handover.submit(id, 'li')).rejects.toThrow(/submitted/);
  });

  it('is acknowledged by someone else and then immutable', async () => {
    await expect(duty.handover.acknowledge(id, 'li')).rejects.toThrow(/must be someone else/);
    clock.advance(5 * MINUTE);
    const ack = await duty.handover.acknowledge(id, 'zhang');
    expect(ack).toMatchObject({
      status: 'acknowledged',
      incoming: 'zhang',
      acknowledgedAt: new Date(SHIFT_END + 5 * MINUTE).toISOString(),
    });
    for (const attempt of [
      () => duty.handover.update(id, 'x'),
      () => duty.handover.submit(id, 'li'),
      () => duty.handover.acknowledge(id, 'wang'),
      () => duty.handover.draft('5301', 'li', SHIFT_END, clock.now()),
    ])
      await expect(attempt()).rejects.toThrow(/acknowledged and can no longer be changed/);
    const stored = await duty.handover.get(id);
    expect(stored.notes).toBe('注意：红色预警两条未处理');
    expect(stored.incoming).toBe('zhang');
    const audits = await db.prisma.auditLog.findMany({ where: { target: id }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => [a.action, a.actor])).toEqual([
      ['handover.submit', 'li'],
      ['handover.acknowledge', 'zhang'],
    ]);
    const logs = await db.prisma.runLogEntry.findMany({ where: { refType: 'handover', refId: id }, orderBy: { id: 'asc' } });
    expect(logs.map((l) => [l.category, l.actor, l.origin])).toEqual([
      ['handover', 'li', 'auto'],
      ['handover', 'zhang', 'auto'],
    ]);
  });

  it('searches by scope, status and person', async () => {
    await duty.handover.draft('5303', 'zhang', SHIFT_END + 8 * HOUR, clock.now());
    expect((await duty.handover.search({ orgCodes: ['53'] })).total).toBe(2);
    expect((await duty.handover.search({ orgCodes: ['5301'] })).rows.map((r) => r.id)).toEqual([id]);
    expect((await duty.handover.search({ orgCodes: ['53'], status: 'draft' })).rows.map((r) => r.orgCode)).toEqual(['5303']);
    expect((await duty.handover.search({ orgCodes: ['53'], person: 'zhang' })).total).toBe(2);
    expect((await duty.handover.search({ orgCodes: ['53'], person: 'li' })).total).toBe(1);
    expect((await duty.handover.search({ orgCodes: ['53'], from: SHIFT_END + HOUR })).total).toBe(1);
  });
});
