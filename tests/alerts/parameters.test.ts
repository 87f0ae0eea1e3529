import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chTime, parseLocal } from '@/core/time';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { answeredCall } from '../helpers/fact-rows';
import { testRuntime } from '../helpers/runtime';

// A KPI parameter an administrator changes reaches the alert rounds at once, not after the parameter cache's
// few seconds: the rounds run on an engine session of their own but judge with the KPI layer requests use.
// The clock is frozen, so a cached parameter could never expire on its own during the test.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-24 16:00:00', TZ)!;
const ADMIN: SessionUser = { id: 'admin-li', name: '李管理', role: 'admin', orgCode: '53' };
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
const caller = () => createCaller({ rt, user: ADMIN, headers: new Headers(), now: () => NOW } satisfies Context);

/** A call of 五华区 the system turned away (busy): lost while blocked calls count, out of the rate when not. */
function blockedCall(callId: string, t: number) {
  return { ...answeredCall(callId, t), ring_at: null, answered_at: null, ended_at: chTime(t + 31_000), outcome: 'blocked', agent_id: '' };
}

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW });
  // In the last 15 minutes: 10 answered and 2 blocked, so the loss rate is 2/12 with blocked calls, 0/10 without.
  const t0 = NOW - 10 * 60_000;
  await ch.insert('test.calls', 'fact_call', [
    ...Array.from({ length: 10 }, (_, i) => answeredCall(`param-a${i}`, t0 + i * 10_000)),
    ...Array.from({ length: 2 }, (_, i) => blockedCall(`param-b${i}`, t0 + 200_000 + i * 10_000)),
  ]);
}, 120_000);
afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});
afterEach(() => void vi.useRealTimers());

describe('KPI parameters and the alert rounds', () => {
  it('a round after the administrator stops counting blocked calls judges without them', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    await caller().rules.create({
      name: '呼损率预警（参数）',
      spec: {
        kind: 'threshold',
        kpi: 'call.loss_rate',
        window: { minutes: 15 },
        scope: { orgCode: '53', by: 'city' },
        levels: { yellow: 0.1, red: 0.5 },
      },
    });
    const first = await rt.alerts.afterBatch('cti.calls', NOW);
    expect(first.errors).toEqual([]);
    expect(first.fired).toBe(1);
    const fired = await caller().alerts.list({ limit: 10 });
    expect(fired.items.map((a) => [a.orgCode, a.state])).toEqual([['5301', 'firing']]);

    await caller().kpi.setParameters({ changes: { 'call.countBlocked': false } });
    const second = await rt.alerts.afterBatch('cti.calls', NOW);
    expect(second.errors).toEqual([]);
    expect(second.recovered).toBe(1);
  });
});
