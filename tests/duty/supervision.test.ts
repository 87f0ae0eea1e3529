import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkOrderApi, type WorkOrderApi } from '@/etl/simulator/workorder-api';
import { REPLY_DELAY_MINUTES, supervisionReplyDelayMinutes } from '@/etl/simulator/workorder-supervision';
import type { Db } from '@/server/db/client';
import { dutyServices, type DutyServices } from '@/server/duty/services';
import { HOUR, MINUTE, TZ, alertEvent, at, dutyDb, fakeClock } from './helpers';

// 督办 against the real work-order API simulator on 127.0.0.1, with one fake clock for both sides: write-back,
// the unit's reply, verification, rejection, escalation to the parent unit when overdue, and a write-back
// failure kept and retried.

const SEED = 20261123;
const clock = fakeClock(at('2026-11-23 09:00'));
let db: Db;
let api: WorkOrderApi;
let duty: DutyServices;

beforeAll(async () => {
  db = await dutyDb();
  api = await startWorkOrderApi({ seed: SEED, tz: TZ, host: '127.0.0.1', now: clock.now });
  duty = dutyServices(db, { tz: TZ, now: clock.now, workOrderApiUrl: api.url });
});
afterAll(async () => {
  await api?.close();
  await db?.close();
});

const phases = async (id: string) => (await duty.supervision.get(id)).timeline.map((t) => t.toPhase);

describe('simulator supervision intake', () => {
  it('answers in the vendor envelope and refuses bad input', async () => {
    const post = (body: unknown) =>
      fetch(`${api.url}/api/supervision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const bad = await post({ orgCode: '5301', title: 't' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ success: false, errorMessage: expect.stringMatching(/content, deadline/) });
    const ok = await post({ orgCode: '5301', title: 't', content: 'c', deadline: '2026-11-23 12:00:00' });
    const body = (await ok.json()) as { success: boolean; result: { superviseId: string } };
    expect(body.success).toBe(true);
    const get = (await (await fetch(`${api.url}/api/supervision/${body.result.superviseId}`)).json()) as {
      result: Record<string, unknown>;
    };
    expect(get.result).toMatchObject({ superviseId: body.result.superviseId, status: '处理中', replyContent: '', replyTime: null });
    expect((await fetch(`${api.url}/api/supervision/NOPE`)).status).toBe(404);
    const d = supervisionReplyDelayMinutes(SEED, 'x');
    expect(d).toBe(supervisionReplyDelayMinutes(SEED, 'x'));
    expect(d).toBeGreaterThanOrEqual(REPLY_DELAY_MINUTES.min);
    expect(d).toBeLessThanOrEqual(REPLY_DELAY_MINUTES.max);
  });
});

describe('supervision closed loop', () => {
  it('writes back, picks up the reply, verifies and closes; the alert becomes supervised', async () => {
    clock.set(at('2026-11-23 09:00'));
    const alert = await alertEvent(db, {
      orgCode: '530102',
      severity: 'red',
      title: '工单超时',
      firedAt: clock.now() - HOUR,
      phase: 'acknowledged',
    });
    const s = await duty.supervision.create(
      {
        eventId: alert.id,
        subjectType: 'work_order',
        subjectRef: 'WO123',
        orgCode: '530102',
        title: '工单超时督办',
        request: '请于时限内处理并回复',
        dueAt: clock.now() + 4 * HOUR,
      },
      'duty-wang',
    );
    expect(s.status).toBe('sent');
    expect(s.externalId).toMatch(/^DB20261123\d{5}$/);
    expect(s.writeError).toBeNull();
    const a = await db.prisma.alertEvent.findUniqueOrThrow({ where: { id: alert.id } });
    expect(a.phase).toBe('supervised');
    const at1 = await db.prisma.dutyTransition.findMany({ where: { subjectType: 'alert', subjectId: alert.id } });
    expect(at1.map((t) => [t.fromPhase, t.toPhase])).toEqual([['acknowledged', 'supervised']]);

    // Before the unit's reply: nothing.
    clock.advance(REPLY_DELAY_MINUTES.min * MINUTE - MINUTE);
    expect(await duty.supervision.tick()).toMatchObject({ replied: 0, escalated: 0 });
    clock.advance(REPLY_DELAY_MINUTES.max * MINUTE);
    expect(await duty.supervision.tick()).toMatchObject({ replied: 1, escalated: 0 });
    const replied = (await duty.supervision.get(s.id)).item;
    expect(replied.status).toBe('replied');
    expect(replied.reply).toMatch(/[\u4e00-\u9fa5]/);
    expect(Date.parse(replied.repliedAt!)).toBe(at('2026-11-23 09:00') + supervisionReplyDelayMinutes(SEED, s.id) * MINUTE);

    // Reject once: written back again under a new id, then replied again, then accepted.
    const rejected = await duty.supervision.verify(s.id, 'duty-wang', false, '回复不完整');
    expect(rejected.status).toBe('sent');
    expect(rejected.externalId).not.toBe(s.externalId);
    expect(rejected.request).toMatch(/驳回意见】回复不完整/);
    await expect(duty.supervision.verify(s.id, 'duty-wang', true, '')).rejects.toThrow(/only a replied item/);
    clock.advance(REPLY_DELAY_MINUTES.max * MINUTE + MINUTE);
    expect((await duty.supervision.tick()).replied).toBe(1);
    const closed = await duty.supervision.verify(s.id, 'duty-wang', true, '已核实');
    expect(closed.status).toBe('closed');
    expect(await phases(s.id)).toEqual(['open', 'sent', 'replied', 'open', 'sent', 'replied', 'verified', 'closed']);
    const audits = await db.prisma.auditLog.findMany({ where: { target: s.id }, orderBy: { id: 'asc' } });
    expect(audits.map((x) => x.action)).toEqual(['supervision.create', 'supervision.verify', 'supervision.verify']);
    const log = await db.prisma.runLogEntry.count({ where: { refType: 'supervision', refId: s.id } });
    expect(log).toBe(5);
  });

  it('escalates an overdue item to the parent unit with a new limit of the same length', async () => {
    clock.set(at('2026-11-23 13:00'));
    const s = await duty.supervision.create(
      {
        subjectType: 'record',
        subjectRef: 'row-1',
        orgCode: '530102',
        title: '排队超时',
        request: '请核查',
        dueAt: clock.now() + 5 * MINUTE,
      },
      'duty-wang',
    );
    expect(s.status).toBe('sent');
    // 6 minutes later (the unit replies after at least 20): overdue, up to 昆明.
    clock.advance(6 * MINUTE);
    expect(await duty.supervision.tick()).toMatchObject({ replied: 0, escalated: 1 });
    let item = (await duty.supervision.get(s.id)).item;
    expect(item).toMatchObject({ orgCode: '5301', escalations: 1, status: 'escalated' });
    expect(Date.parse(item.dueAt)).toBe(clock.now() + 5 * MINUTE);
    // Not yet overdue again: nothing more.
    clock.advance(2 * MINUTE);
    expect((await duty.supervision.tick()).escalated).toBe(0);
    // Overdue again (12 minutes in, still no reply): up to the province, and no further.
    clock.advance(4 * MINUTE);
    expect(await duty.supervision.tick()).toMatchObject({ replied: 0, escalated: 1 });
    item = (await duty.supervision.get(s.id)).item;
    expect(item).toMatchObject({ orgCode: '53', escalations: 2, status: 'escalated' });
    clock.advance(6 * MINUTE);
    expect((await duty.supervision.tick()).escalated).toBe(0);
    expect((await duty.supervision.get(s.id)).item).toMatchObject({ orgCode: '53', escalations: 2 });
    const esc = await db.prisma.runLogEntry.findMany({ where: { category: 'escalation', refId: s.id }, orderBy: { id: 'asc' } });
    expect(esc.map((e) => e.orgCode)).toEqual(['5301', '53']);
    expect(esc[0]!.text).toMatch(/升级至上级单位 5301/);
    // An escalated item still gets its reply.
    clock.advance(REPLY_DELAY_MINUTES.max * MINUTE);
    await duty.supervision.tick();
    expect((await duty.supervision.get(s.id)).item.status).toBe('replied');
    expect(await phases(s.id)).toContain('escalated');
  });

  it('keeps a failed write-back open with its error and retries on the next tick', async () => {
    clock.set(at('2026-11-23 18:00'));
    api.setDown(true);
    const s = await duty.supervision.create(
      { subjectType: 'alert', subjectRef: 'a-1', orgCode: '5303', title: '呼损突增', request: '请说明原因', dueAt: clock.now() + 2 * HOUR },
      'duty-wang',
    );
    expect(s.status).toBe('open');
    expect(s.externalId).toBeNull();
    expect(s.writeError).toMatch(/503/);
    clock.advance(MINUTE);
    expect(await duty.supervision.tick()).toMatchObject({ written: 0, writeFailed: 1 });
    expect((await duty.supervision.get(s.id)).item.status).toBe('open');
    api.setDown(false);
    clock.advance(MINUTE);
    expect(await duty.supervision.tick()).toMatchObject({ written: 1, writeFailed: 0 });
    const sent = (await duty.supervision.get(s.id)).item;
    expect(sent).toMatchObject({ status: 'sent', writeError: null });
    expect(sent.externalId).toMatch(/^DB/);
    expect(await phases(s.id)).toEqual(['open', 'sent']);
  });

  it('lists in scope and refuses bad input', async () => {
    const kunming = await duty.supervision.list({ orgCodes: ['5301'] });
    expect(kunming.rows.every((r) => r.orgCode.startsWith('5301'))).toBe(true);
    expect(kunming.total).toBe(1);
    expect((await duty.supervision.list({ orgCodes: ['53'] })).total).toBe(3);
    expect((await duty.supervision.list({ orgCodes: ['5303'] })).total).toBe(1);
    expect((await duty.supervision.list({ orgCodes: ['53'], status: 'closed' })).total).toBe(1);
    await expect(
      duty.supervision.create(
        { subjectType: 'record', subjectRef: 'x', orgCode: '5301', title: 't', request: 'r', dueAt: clock.now() - 1 },
        'x',
      ),
    ).rejects.toThrow(/due time/);
  });
});
