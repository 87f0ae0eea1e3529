import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/server/db/client';
import { DEMO_ROSTER_UNITS, parentOrgCode, seedDemoRoster } from '@/server/duty/roster';
import { dutyServices, type DutyServices } from '@/server/duty/services';
import { createCallerFactory, router } from '@/server/trpc/init';
import { rosterRouter } from '@/server/trpc/routers/roster';
import type { SessionUser } from '@/server/trpc/context';
import { trpcError } from '../helpers/trpc';
import { HOUR, TZ, at, dutyDb, person } from './helpers';

// 值班表: the demo roster, who is on duty (walking up the org tree, leave excluded), validation, swaps, and the
// router's permission and org scope.

const NOW = at('2026-11-23 10:30');
const COUNTY = DEMO_ROSTER_UNITS[2];
let db: Db;
let duty: DutyServices;

beforeAll(async () => {
  db = await dutyDb();
  duty = dutyServices(db, { tz: TZ, now: () => NOW });
});
afterAll(() => db?.close());

describe('parentOrgCode', () => {
  it('walks hall → county → city → province → none', () => {
    expect(parentOrgCode('530102001')).toBe('530102');
    expect(parentOrgCode('530102')).toBe('5301');
    expect(parentOrgCode('5301')).toBe('53');
    expect(parentOrgCode('53')).toBeNull();
  });
});

describe('demo roster', () => {
  it('seeds people and two days of three shifts plus a leader for three units, once', async () => {
    expect(DEMO_ROSTER_UNITS).toEqual(['53', '5301', COUNTY]);
    const first = await seedDemoRoster(db, NOW);
    expect(first).toEqual({ users: 12, shifts: 2 * 3 * 4 });
    const again = await seedDemoRoster(db, NOW + HOUR);
    expect(again).toEqual({ users: 0, shifts: 0 });
    expect(await db.prisma.dutyShift.count()).toBe(24);
    const u = await db.prisma.user.findUniqueOrThrow({ where: { username: 'demo.yn.duty1' } });
    expect(u.email).toBe('demo.yn.duty1@users.invalid');
    expect(u.mobile).toMatch(/^1390871\d{4}$/);
    expect(u.displayName).toMatch(/[\u4e00-\u9fa5]/);
    // Today's shifts for the province: 00–08, 08–16, 16–24 Beijing time and the leader's whole day.
    const today = await duty.roster.list({ orgCode: '53', from: at('2026-11-23 00:00'), to: at('2026-11-24 00:00') });
    expect(today.filter((s) => s.dutyRole === 'duty_officer').map((s) => [s.startsAt, s.endsAt])).toEqual([
      [new Date(at('2026-11-23 00:00')).toISOString(), new Date(at('2026-11-23 08:00')).toISOString()],
      [new Date(at('2026-11-23 08:00')).toISOString(), new Date(at('2026-11-23 16:00')).toISOString()],
      [new Date(at('2026-11-23 16:00')).toISOString(), new Date(at('2026-11-24 00:00')).toISOString()],
    ]);
    expect(today.filter((s) => s.dutyRole === 'leader')).toHaveLength(1);
    const subtree = await duty.roster.list({ orgCode: '5301', subtree: true, from: at('2026-11-24 00:00'), to: at('2026-11-25 00:00') });
    expect(new Set(subtree.map((s) => s.orgCode))).toEqual(new Set(['5301', COUNTY]));
    expect(subtree).toHaveLength(8);
  });

  it('answers who is on duty, walking up the org tree when a unit has nobody', async () => {
    const prov = await duty.roster.onDuty('53', 'duty_officer', NOW);
    expect(prov).toHaveLength(1);
    expect(prov[0]).toMatchObject({ orgCode: '53', email: `${prov[0]!.username}@users.invalid` });
    expect(prov[0]!.username).toMatch(/^demo\.yn\.duty/);
    // A hall below the demo county: its hall manager comes from the county.
    const hm = await duty.roster.onDuty(`${COUNTY}001`, 'hall_manager', NOW);
    expect(hm.map((p) => p.orgCode)).toEqual([COUNTY]);
    // The county has no duty officer: the city's.
    const officer = await duty.roster.onDuty(COUNTY, 'duty_officer', NOW);
    expect(officer.map((p) => p.orgCode)).toEqual(['5301']);
    // Another city: the province's.
    expect((await duty.roster.onDuty('5303', 'duty_officer', NOW)).map((p) => p.orgCode)).toEqual(['53']);
    // Nobody anywhere for hall managers above the county.
    expect(await duty.roster.onDuty('5303', 'hall_manager', NOW)).toEqual([]);
    // Leaders: the county's own.
    expect((await duty.roster.onDuty(COUNTY, 'leader', NOW))[0]!.username).toBe(`demo.${COUNTY}.leader`);
  });

  it('skips a person on leave, falling to the parent unit', async () => {
    const [city] = await duty.roster.onDuty('5301', 'duty_officer', NOW);
    await duty.roster.leave({ orgCode: '5301', username: city!.username, startsAt: NOW - HOUR, endsAt: NOW + HOUR, note: '病假' }, 'admin');
    const now = await duty.roster.onDuty('5301', 'duty_officer', NOW);
    expect(now.map((p) => p.orgCode)).toEqual(['53']);
    // After the leave the person is back.
    expect((await duty.roster.onDuty('5301', 'duty_officer', NOW + 2 * HOUR))[0]!.username).toBe(city!.username);
  });
});

describe('shift edits', () => {
  it('validates span and overlap, swaps keep the first person, and audits', async () => {
    await person(db, 'zhao', '5303');
    await person(db, 'qian', '5303');
    const base = at('2026-11-25 08:00');
    const s = await duty.roster.save(
      { orgCode: '5303', dutyRole: 'duty_officer', username: 'zhao', startsAt: base, endsAt: base + 8 * HOUR },
      'admin',
    );
    expect(s.kind).toBe('shift');
    await expect(
      duty.roster.save({ orgCode: '5303', dutyRole: 'duty_officer', username: 'qian', startsAt: base, endsAt: base - HOUR }, 'admin'),
    ).rejects.toThrow(/end must be after start/);
    await expect(
      duty.roster.save({ orgCode: '5303', dutyRole: 'duty_officer', username: 'qian', startsAt: base, endsAt: base + 25 * HOUR }, 'admin'),
    ).rejects.toThrow(/24 h/);
    await expect(
      duty.roster.save(
        { orgCode: '5303', dutyRole: 'leader', username: 'zhao', startsAt: base + 7 * HOUR, endsAt: base + 9 * HOUR },
        'admin',
      ),
    ).rejects.toThrow(/overlaps shift/);
    await expect(
      duty.roster.save({ orgCode: '5303', dutyRole: 'duty_officer', username: 'nobody', startsAt: base, endsAt: base + HOUR }, 'admin'),
    ).rejects.toThrow(/no user nobody/);
    // Editing a shift does not clash with itself.
    const edited = await duty.roster.save(
      { ...s, id: s.id, dutyRole: 'duty_officer', startsAt: base + HOUR, endsAt: base + 9 * HOUR },
      'admin',
    );
    expect(edited.startsAt).toBe(new Date(base + HOUR).toISOString());

    const swapped = await duty.roster.swap(s.id, 'qian', '家中有事', 'admin');
    expect(swapped).toMatchObject({ username: 'qian', swappedFrom: 'zhao', note: '家中有事' });
    const back = await duty.roster.swap(s.id, 'zhao', null, 'admin');
    expect(back).toMatchObject({ username: 'zhao', swappedFrom: 'zhao' });
    expect((await duty.roster.onDuty('5303', 'duty_officer', base + 2 * HOUR)).map((p) => p.username)).toEqual(['zhao']);

    await duty.roster.remove(s.id, 'admin');
    expect(await db.prisma.dutyShift.count({ where: { id: s.id } })).toBe(0);
    const audits = await db.prisma.auditLog.findMany({ where: { action: 'roster.save', target: s.id }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => (a.detail as { op: string }).op)).toEqual(['create', 'update', 'swap', 'swap', 'delete']);
  });
});

describe('roster router', () => {
  const caller = createCallerFactory(router({ roster: rosterRouter }));
  const as = (user: SessionUser) => caller({ rt: { db, duty } as never, user, headers: new Headers(), now: () => NOW });
  const kunmingDuty: SessionUser = { id: 'km-duty', name: '昆明值班', role: 'duty_officer', orgCode: '5301', kind: 'user' };
  const kunmingViewer: SessionUser = { id: 'km-view', name: '昆明查看', role: 'viewer', orgCode: '5301', kind: 'user' };
  const kunmingManager: SessionUser = { id: 'km-mgr', name: '昆明领导', role: 'manager', orgCode: '5301', kind: 'user' };

  it('reads inside the scope and refuses outside it or without the permission', async () => {
    const rows = await as(kunmingDuty).roster.list({ orgCode: COUNTY, from: '2026-11-23T00:00:00+08:00', to: at('2026-11-24 00:00') });
    expect(rows.length).toBe(4);
    const who = await as(kunmingDuty).roster.onDuty({ orgCode: COUNTY, dutyRole: 'hall_manager' });
    expect(who).toHaveLength(1);
    expect((await trpcError(as(kunmingDuty).roster.list({ orgCode: '5303', from: 0, to: NOW }))).code).toBe('FORBIDDEN');
    expect((await trpcError(as(kunmingViewer).roster.onDuty({ orgCode: '5301', dutyRole: 'leader' }))).code).toBe('FORBIDDEN');
    // A zone-less time string is refused.
    expect((await trpcError(as(kunmingDuty).roster.list({ orgCode: '5301', from: '2026-11-23 00:00', to: NOW } as never))).code).toBe(
      'BAD_REQUEST',
    );
  });

  it('edits with duty.roster only, inside the scope', async () => {
    await person(db, 'sun', '5301');
    const base = at('2026-11-26 08:00');
    const shift = { orgCode: COUNTY, dutyRole: 'hall_manager' as const, username: 'sun', startsAt: base, endsAt: base + 8 * HOUR };
    const saved = await as(kunmingDuty).roster.save(shift);
    expect(saved.updatedBy).toBe('km-duty');
    expect((await trpcError(as(kunmingManager).roster.save(shift))).code).toBe('FORBIDDEN');
    expect((await trpcError(as(kunmingDuty).roster.save({ ...shift, orgCode: '5303' }))).code).toBe('FORBIDDEN');
    const bad = await trpcError(as(kunmingDuty).roster.save({ ...shift, endsAt: base }));
    expect(bad.code).toBe('BAD_REQUEST');
    const provShift = await duty.roster.list({ orgCode: '53', from: base - 48 * HOUR, to: base });
    expect((await trpcError(as(kunmingDuty).roster.remove({ id: provShift[0]!.id }))).code).toBe('FORBIDDEN');
    expect(await as(kunmingDuty).roster.remove({ id: saved.id })).toEqual({ ok: true });
  });
});
