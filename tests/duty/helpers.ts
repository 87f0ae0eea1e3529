import { parseLocal } from '@/core/time';
import { divisionOrgUnits } from '@/core/org/org-units';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { seedOrgUnits } from '@/server/db/org';
import type { Severity } from '@/server/db/generated/client';
import { MIGRATIONS_DIR } from '../db/helpers';

export const TZ = 'Asia/Shanghai';
export const at = (s: string) => parseLocal(s, TZ)!;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** An in-memory PGlite database, migrated, with the province → city → county org tree. */
export async function dutyDb(): Promise<Db> {
  const db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  await seedOrgUnits(db.prisma, divisionOrgUnits());
  return db;
}

/** A person without a password (as the demo roster makes them). */
export async function person(
  db: Db,
  username: string,
  orgCode: string,
  role: 'duty_officer' | 'hall_manager' | 'manager' = 'duty_officer',
) {
  return db.prisma.user.create({
    data: { username, displayName: username, email: `${username}@users.invalid`, role, orgUnitCode: orgCode, mobile: '13908710000' },
  });
}

/** A fake clock the services and the simulator read. */
export function fakeClock(start: number) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

let ruleId: string | undefined;

/** An open alert event (with a throwaway rule behind it). */
export async function alertEvent(
  db: Db,
  e: {
    orgCode: string;
    severity: Severity;
    title: string;
    firedAt: number;
    phase?: string;
    owner?: string | null;
    closedAt?: number | null;
  },
) {
  ruleId ??= (
    await db.prisma.alertRule.create({ data: { name: 'test rule', kind: 'threshold', scopeCode: '53', spec: {}, updatedBy: 'test' } })
  ).id;
  const id = `evt-${Math.random().toString(36).slice(2, 10)}`;
  return db.prisma.alertEvent.create({
    data: {
      id,
      ruleId,
      ruleVersion: 1,
      dedupKey: id,
      condition: 'c',
      subject: e.orgCode,
      orgCode: e.orgCode,
      orgName: e.orgCode,
      severity: e.severity,
      state: 'firing',
      title: e.title,
      titleEn: e.title,
      figures: {},
      firedAt: new Date(e.firedAt),
      updatedAt: new Date(e.firedAt),
      phase: e.phase ?? 'raised',
      owner: e.owner ?? null,
      closedAt: e.closedAt ? new Date(e.closedAt) : null,
    },
  });
}
