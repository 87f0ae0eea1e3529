import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import { parseLocal } from '@/core/time';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { testRuntime } from '../helpers/runtime';
import { trpcError } from '../helpers/trpc';

// Personal data in drill-down rows: masked for everyone by default, shown in full only to a role with
// pii.reveal that asks, and every reveal is in the audit log. Through the procedure, on real stores.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 14:00:00', TZ)!;
const T0 = '2026-11-01 00:00:00.000';
const ORG = { province_code: '53', city_code: '5301', county_code: '530102' };
const CUSTOMERS = ['5301020012345678', '5301020087654321'];

let ch: ClickHouse;
let db: Db;
let rt: Runtime;
const VIEWER: SessionUser = { id: 'viewer.zhao', name: '赵', role: 'viewer', orgCode: '53', kind: 'user' };
const DUTY: SessionUser = { id: 'duty.wang', name: '王', role: 'duty_officer', orgCode: '5301', kind: 'user' };
const caller = (user: SessionUser) => createCaller({ rt, user, headers: new Headers(), now: () => NOW } satisfies Context);
const question = { kpi: 'arrears.customers' as const, orgCode: '5301', time: { from: '2026-11-01', to: '2026-11-23' } };

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW - 3_600_000 });
  await ch.insert(
    't.bills',
    'fact_bill',
    CUSTOMERS.map((customer_id, i) => ({
      bill_id: `B${i}`,
      customer_id,
      ...ORG,
      class: 'residential',
      bill_month: '2026-08-01',
      amount: 100 + i,
      due_date: '2026-11-10',
      issued_at: T0,
      src_updated_at: T0,
    })),
  );
});
afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe('personal data in kpi.rows', () => {
  it('is masked by default, for every role', async () => {
    for (const user of [VIEWER, DUTY]) {
      const r = await caller(user).kpi.rows(question);
      expect(r.rows.length).toBe(2);
      expect(r.columns.find((c) => c.name === 'customer_id')).toMatchObject({ personal: true, masked: true });
      expect(r.rows.map((row) => row.customer_id).sort()).toEqual(['53************21', '53************78']);
    }
    expect(await db.prisma.auditLog.count({ where: { action: 'pii.reveal' } })).toBe(0);
  });

  it('is refused in full to a role without pii.reveal', async () => {
    expect((await trpcError(caller(VIEWER).kpi.rows({ ...question, reveal: true }))).code).toBe('FORBIDDEN');
    expect(await db.prisma.auditLog.count({ where: { action: 'pii.reveal' } })).toBe(0);
  });

  it('is shown in full to a duty officer who asks, and the reveal is audited with what was shown', async () => {
    const r = await caller(DUTY).kpi.rows({ ...question, reveal: true });
    expect(r.rows.map((row) => row.customer_id).sort()).toEqual(CUSTOMERS);
    expect(r.columns.find((c) => c.name === 'customer_id')).toMatchObject({ personal: true, masked: false });
    const audits = await db.prisma.auditLog.findMany({ where: { action: 'pii.reveal' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor: 'duty.wang', target: 'arrears.customers' });
    expect(audits[0]!.detail).toMatchObject({ orgCode: '5301', rows: 2, columns: ['customer_id'] });
  });
});
