import { InvalidError, NotFoundError } from '@/core/errors';
import { CITIES, PROVINCE } from '@/core/org/divisions';
import { startOfLocalDay } from '@/core/time';
import { audit } from '../auth/audit';
import type { Db } from '../db/client';
import type { DutyShift, Role } from '../db/generated/client';

// 值班表 (DOMAIN.md §4): who is on duty for a unit in a duty role over a time span. A leave row (kind 'leave')
// marks a person unavailable for its span, whatever the role; a swap rewrites the person of a shift and keeps
// who it was. `onDuty` answers "whom do we call now": the unit's people on duty, or when it has nobody, its
// parent's, up to the province.

export const DUTY_ROLES = ['duty_officer', 'hall_manager', 'leader'] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];
/** The duty role stored on leave rows: the person is away in every role. */
export const ANY_ROLE = '*';

const HOUR = 3_600_000;
const MAX_SHIFT_MS = 24 * HOUR;
const MAX_LEAVE_MS = 31 * 24 * HOUR;
/** Lengths of the codes of each level: province 2, city 4, county 6, hall 9 (server/auth/scope.ts). */
const LEVEL_LENGTHS = [2, 4, 6, 9];

export interface ShiftRow {
  id: string;
  orgCode: string;
  dutyRole: string;
  username: string;
  displayName: string | null;
  kind: 'shift' | 'leave';
  /** ISO instants (UTC). */
  startsAt: string;
  endsAt: string;
  swappedFrom: string | null;
  note: string | null;
  updatedBy: string;
}

export interface OnDutyPerson {
  username: string;
  displayName: string;
  mobile: string | null;
  email: string;
  /** The unit whose roster named the person (the asked unit or an ancestor). */
  orgCode: string;
  shiftId: string;
}

export interface ShiftInput {
  /** Set to edit an existing shift. */
  id?: string;
  orgCode: string;
  dutyRole: DutyRole;
  username: string;
  /** Epoch ms. */
  startsAt: number;
  endsAt: number;
  note?: string | null;
}

export interface LeaveInput {
  orgCode: string;
  username: string;
  startsAt: number;
  endsAt: number;
  note?: string | null;
}

export interface ListQuery {
  orgCode: string;
  /** Include the units below `orgCode`. */
  subtree?: boolean;
  /** Epoch ms: shifts overlapping [from, to). */
  from: number;
  to: number;
  dutyRole?: DutyRole;
  /** Include leave rows (default true). */
  leave?: boolean;
}

/** The parent of an org code by the code's prefix (hall → county → city → province); null at the province. */
export function parentOrgCode(code: string): string | null {
  const lengths = LEVEL_LENGTHS.filter((n) => n < code.length);
  const n = lengths.at(-1);
  return n === undefined ? null : code.slice(0, n);
}

export class Roster {
  constructor(
    private readonly db: Db,
    private readonly opts: { now?: () => number } = {},
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  async list(q: ListQuery): Promise<ShiftRow[]> {
    if (!(q.to > q.from)) throw new InvalidError('时间范围无效 (to must be after from)');
    const rows = await this.db.prisma.dutyShift.findMany({
      where: {
        ...(q.subtree ? { orgCode: { startsWith: q.orgCode } } : { orgCode: q.orgCode }),
        startsAt: { lt: new Date(q.to) },
        endsAt: { gt: new Date(q.from) },
        ...(q.dutyRole ? { dutyRole: { in: [q.dutyRole, ANY_ROLE] } } : {}),
        ...(q.leave === false ? { kind: 'shift' } : {}),
      },
      orderBy: [{ startsAt: 'asc' }, { orgCode: 'asc' }, { dutyRole: 'asc' }, { username: 'asc' }],
    });
    return this.rows(rows);
  }

  async get(id: string): Promise<ShiftRow> {
    const row = await this.db.prisma.dutyShift.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`值班记录不存在 (no shift ${id})`);
    return (await this.rows([row]))[0]!;
  }

  /** Creates or edits a shift: end after start, at most 24 h, no overlap with another shift of the person. */
  async save(input: ShiftInput, actor: string): Promise<ShiftRow> {
    if (!(DUTY_ROLES as readonly string[]).includes(input.dutyRole)) throw new InvalidError(`unknown duty role ${input.dutyRole}`);
    checkSpan(input.startsAt, input.endsAt, MAX_SHIFT_MS, '班次不能超过 24 小时 (a shift is at most 24 h)');
    const existing = input.id ? await this.db.prisma.dutyShift.findUnique({ where: { id: input.id } }) : null;
    if (input.id && (!existing || existing.kind !== 'shift')) throw new NotFoundError(`值班记录不存在 (no shift ${input.id})`);
    await this.assertUnit(input.orgCode);
    await this.assertPerson(input.username);
    await this.assertNoOverlap(input.username, 'shift', input.startsAt, input.endsAt, input.id);
    const data = {
      orgCode: input.orgCode,
      dutyRole: input.dutyRole,
      username: input.username,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      note: input.note ?? null,
      updatedBy: actor,
    };
    const row = existing
      ? await this.db.prisma.dutyShift.update({
          where: { id: existing.id },
          // Rewriting the person by editing counts as a swap only through `swap`.
          data,
        })
      : await this.db.prisma.dutyShift.create({ data: { ...data, kind: 'shift' } });
    await audit(this.db, {
      actor,
      action: 'roster.save',
      target: row.id,
      detail: { op: existing ? 'update' : 'create', ...shiftDetail(row) },
    });
    return (await this.rows([row]))[0]!;
  }

  /** Deletes a shift or a leave row. */
  async remove(id: string, actor: string): Promise<void> {
    const row = await this.db.prisma.dutyShift.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`值班记录不存在 (no shift ${id})`);
    await this.db.prisma.dutyShift.delete({ where: { id } });
    await audit(this.db, { actor, action: 'roster.save', target: id, detail: { op: 'delete', ...shiftDetail(row) } });
  }

  /** Gives a shift to another person; `swappedFrom` keeps the person who had it first. */
  async swap(id: string, username: string, note: string | null, actor: string): Promise<ShiftRow> {
    const row = await this.db.prisma.dutyShift.findUnique({ where: { id } });
    if (!row || row.kind !== 'shift') throw new NotFoundError(`值班记录不存在 (no shift ${id})`);
    if (row.username === username) throw new InvalidError('换班对象与原值班人员相同 (swap to the same person)');
    await this.assertPerson(username);
    await this.assertNoOverlap(username, 'shift', row.startsAt.getTime(), row.endsAt.getTime(), id);
    const updated = await this.db.prisma.dutyShift.update({
      where: { id },
      data: { username, swappedFrom: row.swappedFrom ?? row.username, note: note ?? row.note, updatedBy: actor },
    });
    await audit(this.db, {
      actor,
      action: 'roster.save',
      target: id,
      detail: { op: 'swap', from: row.username, to: username, ...shiftDetail(updated) },
    });
    return (await this.rows([updated]))[0]!;
  }

  /** Marks a person unavailable over a span (at most 31 days); their shifts then fall to others or the parent unit. */
  async leave(input: LeaveInput, actor: string): Promise<ShiftRow> {
    checkSpan(input.startsAt, input.endsAt, MAX_LEAVE_MS, '请假不能超过 31 天 (leave is at most 31 days)');
    await this.assertUnit(input.orgCode);
    await this.assertPerson(input.username);
    await this.assertNoOverlap(input.username, 'leave', input.startsAt, input.endsAt);
    const row = await this.db.prisma.dutyShift.create({
      data: {
        orgCode: input.orgCode,
        dutyRole: ANY_ROLE,
        username: input.username,
        kind: 'leave',
        startsAt: new Date(input.startsAt),
        endsAt: new Date(input.endsAt),
        note: input.note ?? null,
        updatedBy: actor,
      },
    });
    await audit(this.db, { actor, action: 'roster.save', target: row.id, detail: { op: 'leave', ...shiftDetail(row) } });
    return (await this.rows([row]))[0]!;
  }

  /**
   * The people on duty at `at` for the unit and role, without those on leave or disabled; when the unit has
   * nobody, its parent's (hall → county → city → province).
   */
  async onDuty(orgCode: string, dutyRole: DutyRole, at: number = this.now()): Promise<OnDutyPerson[]> {
    const when = new Date(at);
    for (let code: string | null = orgCode; code !== null; code = parentOrgCode(code)) {
      const shifts = await this.db.prisma.dutyShift.findMany({
        where: { orgCode: code, dutyRole, kind: 'shift', startsAt: { lte: when }, endsAt: { gt: when } },
        orderBy: [{ startsAt: 'asc' }, { username: 'asc' }],
      });
      if (shifts.length === 0) continue;
      const names = [...new Set(shifts.map((s) => s.username))];
      const [away, users] = await Promise.all([
        this.db.prisma.dutyShift.findMany({
          where: { username: { in: names }, kind: 'leave', startsAt: { lte: when }, endsAt: { gt: when } },
          select: { username: true },
        }),
        this.db.prisma.user.findMany({ where: { username: { in: names }, disabled: false } }),
      ]);
      const onLeave = new Set(away.map((a) => a.username));
      const byName = new Map(users.map((u) => [u.username, u]));
      const seen = new Set<string>();
      const people: OnDutyPerson[] = [];
      for (const s of shifts) {
        const u = byName.get(s.username);
        if (!u || onLeave.has(s.username) || seen.has(s.username)) continue;
        seen.add(s.username);
        people.push({ username: u.username, displayName: u.displayName, mobile: u.mobile, email: u.email, orgCode: code, shiftId: s.id });
      }
      if (people.length) return people;
    }
    return [];
  }

  private async rows(rows: DutyShift[]): Promise<ShiftRow[]> {
    const names = [...new Set(rows.map((r) => r.username))];
    const users = names.length
      ? await this.db.prisma.user.findMany({ where: { username: { in: names } }, select: { username: true, displayName: true } })
      : [];
    const display = new Map(users.map((u) => [u.username, u.displayName]));
    return rows.map((r) => ({
      id: r.id,
      orgCode: r.orgCode,
      dutyRole: r.dutyRole,
      username: r.username,
      displayName: display.get(r.username) ?? null,
      kind: r.kind === 'leave' ? 'leave' : 'shift',
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      swappedFrom: r.swappedFrom,
      note: r.note,
      updatedBy: r.updatedBy,
    }));
  }

  private async assertUnit(orgCode: string) {
    const unit = await this.db.prisma.orgUnit.findUnique({ where: { code: orgCode }, select: { code: true } });
    if (!unit) throw new InvalidError(`单位不存在 (no org unit ${orgCode})`);
  }

  private async assertPerson(username: string) {
    const u = await this.db.prisma.user.findUnique({ where: { username }, select: { disabled: true } });
    if (!u) throw new InvalidError(`人员不存在 (no user ${username})`);
    if (u.disabled) throw new InvalidError(`人员已停用 (user ${username} is disabled)`);
  }

  private async assertNoOverlap(username: string, kind: 'shift' | 'leave', startsAt: number, endsAt: number, exceptId?: string) {
    const clash = await this.db.prisma.dutyShift.findFirst({
      where: {
        username,
        kind,
        startsAt: { lt: new Date(endsAt) },
        endsAt: { gt: new Date(startsAt) },
        ...(exceptId ? { id: { not: exceptId } } : {}),
      },
    });
    if (clash) {
      throw new InvalidError(
        `${username} 在该时段已有${kind === 'leave' ? '请假' : '班次'} (overlaps ${kind} ${clash.id}: ${clash.startsAt.toISOString()}–${clash.endsAt.toISOString()})`,
      );
    }
  }
}

function checkSpan(startsAt: number, endsAt: number, max: number, tooLong: string) {
  if (!Number.isFinite(startsAt) || !Number.isFinite(endsAt)) throw new InvalidError('时间无效 (invalid time)');
  if (!(endsAt > startsAt)) throw new InvalidError('结束时间须晚于开始时间 (end must be after start)');
  if (endsAt - startsAt > max) throw new InvalidError(tooLong);
}

const shiftDetail = (r: DutyShift) => ({
  orgCode: r.orgCode,
  dutyRole: r.dutyRole,
  username: r.username,
  kind: r.kind,
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt.toISOString(),
});

// ── Demo roster ────────────────────────────────────────────────────────────────────────────────────────────

interface DemoPerson {
  username: string;
  displayName: string;
  role: Role;
  orgCode: string;
  dutyRole: DutyRole;
}

const KUNMING = CITIES.find((c) => c.code === '5301') ?? CITIES[0]!;
const DEMO_COUNTY = KUNMING.counties[0]!;

/** The units the demo roster covers: the province monitoring hall, 昆明 and one of its counties. */
export const DEMO_ROSTER_UNITS = [PROVINCE.code, KUNMING.code, DEMO_COUNTY.code] as const;

function demoPeople(): DemoPerson[] {
  const surnames = ['李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
  const people: DemoPerson[] = [];
  const units: { code: string; tag: string; role: Role; dutyRole: DutyRole; title: string }[] = [
    { code: PROVINCE.code, tag: 'yn', role: 'duty_officer', dutyRole: 'duty_officer', title: '值班员' },
    { code: KUNMING.code, tag: 'km', role: 'duty_officer', dutyRole: 'duty_officer', title: '值班员' },
    { code: DEMO_COUNTY.code, tag: DEMO_COUNTY.code, role: 'hall_manager', dutyRole: 'hall_manager', title: '客户经理' },
  ];
  units.forEach((u, ui) => {
    for (let i = 0; i < 3; i++) {
      people.push({
        username: `demo.${u.tag}.${u.dutyRole === 'hall_manager' ? 'hm' : 'duty'}${i + 1}`,
        displayName: `${surnames[ui * 3 + i]}${u.title}`,
        role: u.role,
        orgCode: u.code,
        dutyRole: u.dutyRole,
      });
    }
    people.push({
      username: `demo.${u.tag}.leader`,
      displayName: `${['王', '孙', '马'][ui]}主任`,
      role: 'manager',
      orgCode: u.code,
      dutyRole: 'leader',
    });
  });
  return people;
}

/**
 * Demo duty people and shifts for today and tomorrow (Beijing time): three shifts a day (00–08, 08–16,
 * 16–24) for the province monitoring hall, 昆明 and one county, and a leader per unit for the whole day.
 * Idempotent: people and shifts that exist are left alone. The org units must be seeded first.
 */
export async function seedDemoRoster(db: Db, now: number, tz = 'Asia/Shanghai'): Promise<{ users: number; shifts: number }> {
  const people = demoPeople();
  let users = 0;
  let shifts = 0;
  const existing = new Set(
    (await db.prisma.user.findMany({ where: { username: { in: people.map((p) => p.username) } }, select: { username: true } })).map(
      (u) => u.username,
    ),
  );
  for (const [i, p] of people.entries()) {
    if (existing.has(p.username)) continue;
    await db.prisma.user.create({
      data: {
        username: p.username,
        displayName: p.displayName,
        email: `${p.username}@users.invalid`,
        role: p.role,
        orgUnitCode: p.orgCode,
        mobile: `1390871${String(1001 + i).padStart(4, '0')}`,
      },
    });
    users++;
  }
  const today = startOfLocalDay(now, tz);
  const days = [today, startOfLocalDay(today + 36 * HOUR, tz)];
  const wanted: { orgCode: string; dutyRole: DutyRole; username: string; startsAt: number; endsAt: number }[] = [];
  for (const [d, dayStart] of days.entries()) {
    for (const unit of DEMO_ROSTER_UNITS) {
      const crew = people.filter((p) => p.orgCode === unit && p.dutyRole !== 'leader');
      const leader = people.find((p) => p.orgCode === unit && p.dutyRole === 'leader')!;
      wanted.push({ orgCode: unit, dutyRole: 'leader', username: leader.username, startsAt: dayStart, endsAt: dayStart + 24 * HOUR });
      // 00–08, 08–16, 16–24; the crew rotates by a shift each day.
      for (let s = 0; s < 3; s++) {
        const p = crew[(s + d) % crew.length]!;
        wanted.push({
          orgCode: unit,
          dutyRole: p.dutyRole,
          username: p.username,
          startsAt: dayStart + s * 8 * HOUR,
          endsAt: dayStart + (s + 1) * 8 * HOUR,
        });
      }
    }
  }
  const have = await db.prisma.dutyShift.findMany({
    where: {
      orgCode: { in: [...DEMO_ROSTER_UNITS] },
      kind: 'shift',
      startsAt: { gte: new Date(days[0]!), lt: new Date(days[1]! + 24 * HOUR) },
    },
    select: { orgCode: true, dutyRole: true, startsAt: true },
  });
  const key = (orgCode: string, dutyRole: string, startsAt: number) => `${orgCode}|${dutyRole}|${startsAt}`;
  const taken = new Set(have.map((h) => key(h.orgCode, h.dutyRole, h.startsAt.getTime())));
  const rows = wanted
    .filter((w) => !taken.has(key(w.orgCode, w.dutyRole, w.startsAt)))
    .map((w) => ({
      ...w,
      kind: 'shift',
      startsAt: new Date(w.startsAt),
      endsAt: new Date(w.endsAt),
      note: '演示排班',
      updatedBy: 'system',
    }));
  if (rows.length) shifts = (await db.prisma.dutyShift.createMany({ data: rows })).count;
  return { users, shifts };
}
