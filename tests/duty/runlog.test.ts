import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/server/db/client';
import { dutyServices, type DutyServices } from '@/server/duty/services';
import { createCallerFactory, router } from '@/server/trpc/init';
import { runlogRouter } from '@/server/trpc/routers/runlog';
import type { SessionUser } from '@/server/trpc/context';
import { trpcError } from '../helpers/trpc';
import { MINUTE, TZ, at, dutyDb, fakeClock } from './helpers';

// 运行日志: automatic and typed entries, search by scope, time, category, text, paging; the router's scope.

const clock = fakeClock(at('2026-11-23 09:00'));
let db: Db;
let duty: DutyServices;

beforeAll(async () => {
  db = await dutyDb();
  duty = dutyServices(db, { tz: TZ, now: clock.now });
});
afterAll(() => db?.close());

describe('run log', () => {
  it('records automatic and typed entries and searches them', async () => {
    const auto = await duty.runLog.record({
      orgCode: '530102',
      category: 'alert',
      origin: 'auto',
      actor: 'system',
      text: '红色预警：工单超时',
      refType: 'alert',
      refId: 'e1',
    });
    expect(auto).toMatchObject({ origin: 'auto', actor: 'system', at: new Date(clock.now()).toISOString(), refId: 'e1' });
    clock.advance(10 * MINUTE);
    const typed = await duty.runLog.write({ orgCode: '5301', category: 'note', text: '  接调度电话：某线路计划停电延长  ' }, 'li');
    expect(typed).toMatchObject({ origin: 'typed', actor: 'li', text: '接调度电话：某线路计划停电延长' });
    clock.advance(10 * MINUTE);
    await duty.runLog.record({ orgCode: '5303', category: 'source', origin: 'auto', actor: 'system', text: '工单数据延迟 30 分钟' });
    await expect(duty.runLog.record({ orgCode: '53', category: 'note', origin: 'typed', actor: 'x', text: '   ' })).rejects.toThrow(
      /empty/,
    );

    expect((await duty.runLog.search({ orgCodes: ['53'] })).total).toBe(3);
    const kunming = await duty.runLog.search({ orgCodes: ['5301'] });
    expect(kunming.rows.map((r) => r.text)).toEqual(['接调度电话：某线路计划停电延长', '红色预警：工单超时']);
    expect((await duty.runLog.search({ orgCodes: ['53'], category: 'source' })).rows.map((r) => r.orgCode)).toEqual(['5303']);
    expect((await duty.runLog.search({ orgCodes: ['53'], text: '停电' })).rows.map((r) => r.id)).toEqual([typed.id]);
    expect((await duty.runLog.search({ orgCodes: ['53'], text: 'LI' })).total).toBe(1);
    expect((await duty.runLog.search({ orgCodes: ['53'], origin: 'typed' })).total).toBe(1);
    const window = await duty.runLog.search({ orgCodes: ['53'], from: at('2026-11-23 09:05'), to: at('2026-11-23 09:20') });
    expect(window.rows.map((r) => r.id)).toEqual([typed.id]);
    const p2 = await duty.runLog.search({ orgCodes: ['53'], page: 2, pageSize: 2 });
    expect(p2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(p2.rows.map((r) => r.id)).toEqual([auto.id]);
    expect((await duty.runLog.search({ orgCodes: [] })).total).toBe(0);
    const audits = await db.prisma.auditLog.findMany({ where: { action: 'runlog.write' } });
    expect(audits.map((a) => [a.actor, a.target])).toEqual([['li', typed.id]]);
  });

  it('router: searches inside the scope, writes with duty.act', async () => {
    const caller = createCallerFactory(router({ runlog: runlogRouter }));
    const as = (user: SessionUser) => caller({ rt: { db, duty } as never, user, headers: new Headers(), now: clock.now });
    const km: SessionUser = { id: 'km-duty', name: '昆明值班', role: 'duty_officer', orgCode: '5301', kind: 'user' };
    const mgr: SessionUser = { id: 'km-mgr', name: '昆明领导', role: 'manager', orgCode: '5301', kind: 'user' };
    const mine = await as(km).runlog.search({});
    expect(mine.rows.every((r) => r.orgCode.startsWith('5301'))).toBe(true);
    expect(mine.total).toBe(2);
    expect((await trpcError(as(km).runlog.search({ orgCode: '5303' }))).code).toBe('FORBIDDEN');
    const w = await as(km).runlog.write({ orgCode: '530102', text: '交班前巡检正常' });
    expect(w).toMatchObject({ actor: 'km-duty', origin: 'typed', category: 'note' });
    expect((await trpcError(as(mgr).runlog.write({ orgCode: '5301', text: 'x' }))).code).toBe('FORBIDDEN');
    expect((await trpcError(as(km).runlog.write({ orgCode: '53', text: 'x' }))).code).toBe('FORBIDDEN');
  });
});
