import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/server/db/client';
import { acknowledgeByLink, readAckLink } from '@/server/duty/ack';
import { signAckToken } from '@/server/duty/ack-link';
import { timeline, transition } from '@/server/duty/lifecycle';
import { createSilence } from '@/server/duty/silences';
import { releaseTime, DEFAULT_NOISE } from '@/server/duty/settings';
import { MINUTE, HOUR, TZ, at, dutyDb } from './helpers';
import { SECRET, TEST_POLICY, startLoop, type Loop } from './loop-fixture';

// The duty loop end to end on an in-memory database: alert change → outbox → routing → group → message →
// the local receiver of each channel, on a fake clock (group wait, escalation minutes, quiet hours, rate
// windows are moved, never slept).

const SEC = 1000;
let db: Db;
let loop: Loop;

async function notifications(where: object = {}) {
  return db.prisma.notification.findMany({ where, orderBy: { createdAt: 'asc' } });
}

describe('duty loop', () => {
  beforeEach(async () => {
    db = await dutyDb();
  });
  afterEach(async () => {
    await loop?.close();
    await db.close();
  });

  it('groups a burst of one county into one message per person and channel, after the group wait', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    const halls = ['530102001', '530102002', '530102003', '530102004', '530102005'];
    for (const h of halls) await loop.fire({ orgCode: h, severity: 'orange' });
    await loop.desk.tick(loop.clock.now());
    expect(await notifications()).toHaveLength(0);
    expect(loop.events.filter((e) => e.change === 'fired')).toHaveLength(5);

    loop.clock.advance(29 * SEC);
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('wecom')).toHaveLength(0);

    loop.clock.advance(2 * SEC);
    const report = await loop.desk.tick(loop.clock.now());
    // Two people on duty (the county's hall manager, 昆明's duty officer — found by walking up from the hall) × two deliveries.
    expect(report.flushed).toBe(4);
    const wecom = loop.receivers.received('wecom');
    expect(wecom).toHaveLength(2);
    expect(wecom[0]!.text).toContain('共5条');
    for (const h of halls) expect(wecom[0]!.text).toContain(h);
    const sms = loop.receivers.received('sms_aliyun');
    expect(sms.map((m) => m.mobile).sort()).toEqual(['13908700000', '13908700001']);
    const sent = await notifications({ status: 'sent' });
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((n) => n.recipient))).toEqual(new Set(['hm.wuhua', 'duty.km']));

    // A sixth alert in the same county waits for the group interval (5 min after the last message).
    loop.clock.advance(60 * SEC);
    await loop.fire({ orgCode: '530102006', severity: 'orange' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(2 * MINUTE);
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('wecom')).toHaveLength(2);
    loop.clock.advance(2 * MINUTE + 30 * SEC);
    await loop.desk.tick(loop.clock.now());
    const later = loop.receivers.received('wecom');
    expect(later).toHaveLength(4);
    expect(later[3]!.text).toContain('530102006');
    expect(later[3]!.text).not.toContain('530102001');
  });

  it('a storm over several counties and rules reaches each person as one message per delivery, not one per group', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    await loop.fire({ orgCode: '530102001', severity: 'red' });
    await loop.fire({ orgCode: '530103001', severity: 'orange', kind: 'record_event' });
    await loop.fire({ orgCode: '530111001', severity: 'orange' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(31 * SEC);
    await loop.desk.tick(loop.clock.now());
    expect(await db.prisma.notifyGroup.count()).toBe(3);
    const byPerson = (await notifications({ channelId: 'demo-wecom' })).map((n) => [n.recipient, n.eventIds.length, n.title]);
    expect(byPerson).toHaveLength(2);
    // 昆明's duty officer: all three, one message; 五华区's hall manager: its own county's only.
    expect(byPerson.find(([r]) => r === 'duty.km')).toEqual(['duty.km', 3, expect.stringContaining('3 个区县 2 项规则 共3条')]);
    expect(byPerson.find(([r]) => r === 'hm.wuhua')?.[1]).toBe(1);
    expect(loop.receivers.received('wecom')).toHaveLength(2);
  });

  it('an outage situation in the county holds back the hall alerts it explains; the situation itself is told', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    const situation = await loop.fire({ orgCode: '530102', severity: 'red', title: '五华区停电事件', kind: 'correlation' });
    await db.prisma.alertEvent.update({ where: { id: situation }, data: { situationId: situation } });
    const hall = await loop.fire({ orgCode: '530102001', severity: 'orange', situationId: situation });
    const other = await loop.fire({ orgCode: '530103001', severity: 'orange' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(31 * SEC);
    await loop.desk.tick(loop.clock.now());
    const ev = await db.prisma.alertEvent.findUniqueOrThrow({ where: { id: hall } });
    expect(ev.suppressed).toBe(`inhibited:${situation}`);
    const all = await notifications();
    expect(all.some((n) => n.eventIds.includes(hall))).toBe(false);
    expect(all.some((n) => n.eventIds.includes(situation))).toBe(true);
    expect(all.some((n) => n.eventIds.includes(other))).toBe(true);
    const steps = await timeline(db, 'alert', hall);
    expect(steps.some((s) => s.note?.includes('inhibited'))).toBe(true);
  });

  it('a silence holds back what it matches until it ends; alerts after the end are told', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    await createSilence(
      db,
      { match: { orgCode: '530102' }, reason: '计划检修，已通知', endsAt: loop.clock.now() + HOUR },
      'admin',
      loop.clock.now(),
    );
    const quiet = await loop.fire({ orgCode: '530102001', severity: 'red' });
    const elsewhere = await loop.fire({ orgCode: '530103001', severity: 'red' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(31 * SEC);
    await loop.desk.tick(loop.clock.now());
    expect((await db.prisma.alertEvent.findUniqueOrThrow({ where: { id: quiet } })).suppressed).toMatch(/^silenced:/);
    const all = await notifications();
    expect(all.some((n) => n.eventIds.includes(quiet))).toBe(false);
    expect(all.some((n) => n.eventIds.includes(elsewhere))).toBe(true);
    // Nor does a silenced alert escalate.
    loop.clock.advance(15 * MINUTE);
    await loop.desk.tick(loop.clock.now());
    expect((await notifications()).some((n) => n.eventIds.includes(quiet))).toBe(false);

    loop.clock.advance(HOUR);
    const after = await loop.fire({ orgCode: '530102002', severity: 'red' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(31 * SEC);
    await loop.desk.tick(loop.clock.now());
    expect((await notifications()).some((n) => n.eventIds.includes(after))).toBe(true);
  });

  it('quiet hours hold a yellow alert’s SMS at 02:00 until 07:00 while the robot goes at once; a red one’s SMS goes at once', async () => {
    loop = await startLoop(db, at('2026-12-04 02:00:00'));
    await loop.fire({ orgCode: '530102001', severity: 'yellow' });
    await loop.fire({ orgCode: '530103001', severity: 'red' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(31 * SEC);
    await loop.desk.tick(loop.clock.now());
    const held = await notifications({ status: 'deferred' });
    expect(held.length).toBeGreaterThan(0);
    for (const n of held) {
      expect(n.severity).toBe('yellow');
      expect(n.channelId).toBe('demo-sms');
      expect(n.dueAt.getTime()).toBe(at('2026-12-04 07:00:00'));
    }
    const sms = loop.receivers.received('sms_aliyun');
    expect(sms.length).toBeGreaterThan(0);
    expect(sms.every((m) => m.text.includes('红色'))).toBe(true);
    expect(loop.receivers.received('wecom').some((m) => m.text.includes('黄色'))).toBe(true);

    loop.clock.set(at('2026-12-04 07:00:00'));
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('sms_aliyun').some((m) => m.text.includes('黄色'))).toBe(true);
    expect(await notifications({ status: 'deferred' })).toHaveLength(0);
  });

  it('quiet spans crossing midnight end at their end time, in Beijing time', () => {
    expect(releaseTime(DEFAULT_NOISE, 'blue', 'sms_aliyun', at('2026-12-04 23:30:00'), TZ)).toBe(at('2026-12-05 07:00:00'));
    expect(releaseTime(DEFAULT_NOISE, 'blue', 'sms_aliyun', at('2026-12-04 07:00:00'), TZ)).toBe(at('2026-12-04 07:00:00'));
    expect(releaseTime(DEFAULT_NOISE, 'blue', 'wecom', at('2026-12-04 03:00:00'), TZ)).toBe(at('2026-12-04 03:00:00'));
    expect(releaseTime(DEFAULT_NOISE, 'red', 'sms_aliyun', at('2026-12-04 03:00:00'), TZ)).toBe(at('2026-12-04 03:00:00'));
  });

  it('escalates to the leader when nobody acknowledges in 10 minutes, and stops once someone does', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    const id = await loop.fire({ orgCode: '530102001', severity: 'red' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(31 * SEC);
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('dingtalk')).toHaveLength(0);

    loop.clock.set(at('2026-12-03 10:09:59'));
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('dingtalk')).toHaveLength(0);

    loop.clock.set(at('2026-12-03 10:10:00'));
    const r = await loop.desk.tick(loop.clock.now());
    expect(r.escalated).toBe(1);
    const ding = loop.receivers.received('dingtalk');
    expect(ding).toHaveLength(1);
    expect(ding[0]!.mentions).toEqual(['13908700002']);
    expect(ding[0]!.text).toContain('升级');
    const ev = await db.prisma.alertEvent.findUniqueOrThrow({ where: { id } });
    expect(ev.escalation).toBe(1);
    expect((await timeline(db, 'alert', id)).some((s) => s.note?.includes('escalated to step 2'))).toBe(true);
    expect(await db.prisma.runLogEntry.count({ where: { category: 'escalation' } })).toBe(1);
    const logged = await db.prisma.runLogEntry.findMany({ where: { category: 'alert', refId: id } });
    expect(logged.map((l) => l.text)).toEqual([expect.stringContaining('按「test policy」通知')]);
    expect(loop.events.some((e) => e.eventId === id && e.change === 'escalated')).toBe(true);

    // A tick again at the same minute escalates nothing twice.
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('dingtalk')).toHaveLength(1);

    loop.clock.set(at('2026-12-03 10:15:00'));
    await transition(db, { eventId: id, action: 'acknowledge', actor: 'leader.km', via: 'desk', at: new Date(loop.clock.now()) });
    loop.clock.set(at('2026-12-03 10:31:00'));
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('email')).toHaveLength(0);
    expect((await db.prisma.alertEvent.findUniqueOrThrow({ where: { id } })).escalation).toBe(1);
  });

  it('without acknowledgement the last step runs at its minute, then the group repeats every 4 hours', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    const id = await loop.fire({ orgCode: '530102001', severity: 'red' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(31 * SEC);
    await loop.desk.tick(loop.clock.now());
    loop.clock.set(at('2026-12-03 10:10:00'));
    await loop.desk.tick(loop.clock.now());
    loop.clock.set(at('2026-12-03 10:30:00'));
    await loop.desk.tick(loop.clock.now());
    const mail = loop.receivers.received('email');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.recipient).toContain('leader.yn@example.cn');
    const before = (await notifications()).length;
    loop.clock.set(at('2026-12-03 14:00:00'));
    await loop.desk.tick(loop.clock.now());
    expect((await notifications()).length).toBe(before);
    loop.clock.set(at('2026-12-03 14:00:32'));
    await loop.desk.tick(loop.clock.now());
    const repeats = await notifications({ body: { path: ['reason'], equals: 'repeat' } });
    expect(repeats.length).toBeGreaterThan(0);
    expect(repeats.every((n) => n.eventIds.includes(id) && n.title.includes('再次提醒'))).toBe(true);
  });

  it('prunes outbox rows handled more than a week ago, keeps recent ones', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    const old = new Date(loop.clock.now() - 8 * 24 * HOUR);
    await db.prisma.alertOutbox.createMany({
      data: [
        { eventId: 'gone', change: 'fired', at: old, doneAt: old },
        { eventId: 'recent', change: 'fired', at: old, doneAt: new Date(loop.clock.now() - HOUR) },
      ],
    });
    await loop.desk.tick(loop.clock.now());
    expect((await db.prisma.alertOutbox.findMany()).map((r) => r.eventId)).toEqual(['recent']);
  });

  it('a recovered alert leaves its group: nobody is told of an alert that cleared during the group wait', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    const id = await loop.fire({ orgCode: '530102001', severity: 'red' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(10 * SEC);
    await loop.recover(id);
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(30 * SEC);
    await loop.desk.tick(loop.clock.now());
    expect(await notifications()).toHaveLength(0);
    const ev = await db.prisma.alertEvent.findUniqueOrThrow({ where: { id } });
    expect(ev.phase).toBe('recovered');
    expect((await timeline(db, 'alert', id)).map((s) => s.to)).toEqual(['raised', 'recovered']);
  });

  it('queues past a channel’s rate limit instead of dropping: 25 WeCom messages go 20 now and 5 in the next minute', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    const now = new Date(loop.clock.now());
    await db.prisma.notification.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({
        id: `n-${i}`,
        eventIds: [],
        recipient: 'duty.km',
        channelId: 'demo-wecom',
        fallback: [],
        severity: 'orange' as const,
        title: `消息 ${i}`,
        body: { lines: [`第 ${i} 条`], recipient: { username: 'duty.km', displayName: 'duty.km', mobile: '13908700000' } },
        dueAt: now,
        createdAt: now,
      })),
    });
    const first = await loop.desk.tick(loop.clock.now());
    expect(first.sent).toBe(20);
    expect(first.held).toBe(5);
    expect(loop.receivers.received('wecom')).toHaveLength(20);
    // The service never had to refuse one.
    expect(loop.receivers.stats().wecom?.refused ?? {}).toEqual({});
    loop.clock.advance(61 * SEC);
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('wecom')).toHaveLength(25);
    expect(await notifications({ status: 'sent' })).toHaveLength(25);
  });

  it('after DingTalk throttles a robot, its messages wait out the 10-minute cool-down', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'), { receiverLimits: { dingtalk: { perMinute: 2, cooldownMs: 600_000 } } });
    const now = new Date(loop.clock.now());
    await db.prisma.notification.createMany({
      data: Array.from({ length: 4 }, (_, i) => ({
        id: `d-${i}`,
        eventIds: [],
        recipient: 'duty.km',
        channelId: 'demo-dingtalk',
        fallback: [],
        severity: 'red' as const,
        title: `消息 ${i}`,
        body: { lines: [`第 ${i} 条`], recipient: { username: 'duty.km', displayName: 'duty.km', mobile: '13908700000' } },
        dueAt: now,
        createdAt: now,
      })),
    });
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('dingtalk')).toHaveLength(2);
    const throttledAttempt = await db.prisma.notificationAttempt.findFirst({ where: { outcome: 'throttled' } });
    expect(throttledAttempt?.detail).toContain('130101');
    loop.clock.advance(5 * MINUTE);
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('dingtalk')).toHaveLength(2);
    loop.clock.advance(6 * MINUTE);
    await loop.desk.tick(loop.clock.now());
    expect(loop.receivers.received('dingtalk')).toHaveLength(4);
  });

  it('falls back to the next channel of the chain when one refuses for good, and records every attempt', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    const ding = await db.prisma.notifyChannel.findUniqueOrThrow({ where: { id: 'demo-dingtalk' } });
    await db.prisma.notifyChannel.create({
      data: {
        id: 'bad-dingtalk',
        kind: 'dingtalk',
        name: 'wrong secret',
        config: { ...(ding.config as object), secret: 'SECwrong' },
        updatedBy: 'test',
      },
    });
    await db.prisma.notifyChannel.create({
      data: {
        id: 'dead-webhook',
        kind: 'webhook',
        name: 'down',
        config: { url: 'http://127.0.0.1:9/hook', secret: 'x'.repeat(16) },
        updatedBy: 'test',
      },
    });
    await db.prisma.routingPolicy.deleteMany();
    await db.prisma.routingPolicy.create({
      data: {
        name: 'chains',
        match: { orgCode: '53' },
        steps: [
          {
            afterMinutes: 0,
            targets: [{ type: 'user', username: 'duty.km' }],
            deliveries: [{ channels: ['bad-dingtalk', 'demo-wecom'] }, { channels: ['dead-webhook', 'demo-webhook'] }],
          },
        ],
        updatedBy: 'test',
      },
    });
    await loop.fire({ orgCode: '530102001', severity: 'red' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(31 * SEC);
    await loop.desk.tick(loop.clock.now());
    // Refused for good (bad signature): straight on to WeCom, in the same tick.
    expect(loop.receivers.received('dingtalk')).toHaveLength(0);
    expect(loop.receivers.received('wecom')).toHaveLength(1);
    const rejected = await db.prisma.notificationAttempt.findMany({ where: { channelId: 'bad-dingtalk' } });
    expect(rejected.map((a) => a.outcome)).toEqual(['rejected']);
    expect(rejected[0]!.detail).toContain('310000');
    // A down endpoint is retried with back-off (5 s, 20 s, 80 s) before the fallback takes over.
    for (const wait of [5, 20, 80]) {
      expect(loop.receivers.received('webhook')).toHaveLength(0);
      loop.clock.advance(wait * SEC);
      await loop.desk.tick(loop.clock.now());
    }
    const dead = await db.prisma.notificationAttempt.findMany({ where: { channelId: 'dead-webhook' }, orderBy: { at: 'asc' } });
    expect(dead.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(loop.receivers.received('webhook')).toHaveLength(1);
    expect((await notifications({ channelId: 'dead-webhook' }))[0]!.status).toBe('failed');
  });

  it('the signed link acknowledges the message’s alerts as its recipient, once; tampered or expired links do nothing', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'));
    const a = await loop.fire({ orgCode: '530102001', severity: 'red' });
    const b = await loop.fire({ orgCode: '530102002', severity: 'red' });
    await loop.desk.tick(loop.clock.now());
    loop.clock.advance(31 * SEC);
    await loop.desk.tick(loop.clock.now());
    const sms = loop.receivers.received('sms_aliyun').find((m) => m.mobile === '13908700000')!;
    const link = /http:\/\/duty\.test\/ack\/(\S+)/.exec(sms.text) ?? /http:\/\/duty\.test\/ack\/(\S+)/.exec(JSON.stringify(sms.raw));
    expect(link).not.toBeNull();
    const token = decodeURIComponent(link![1]!.replace(/["\\].*$/, ''));
    const view = await readAckLink(db, SECRET, token, loop.clock.now());
    expect(view.ok && view.alerts.map((x) => x.id).sort()).toEqual([a, b].sort());

    const forged = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    expect(await acknowledgeByLink(db, SECRET, forged, loop.clock.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(await acknowledgeByLink(db, SECRET, token, loop.clock.now() + 25 * HOUR)).toMatchObject({ ok: false, reason: 'expired' });
    expect((await db.prisma.alertEvent.findUniqueOrThrow({ where: { id: a } })).phase).toBe('raised');

    const done = await acknowledgeByLink(db, SECRET, token, loop.clock.now());
    expect(done).toMatchObject({ ok: true, by: 'duty.km' });
    expect(done.ok && done.acknowledged.sort()).toEqual([a, b].sort());
    const ev = await db.prisma.alertEvent.findUniqueOrThrow({ where: { id: a } });
    expect(ev).toMatchObject({ phase: 'acknowledged', owner: 'duty.km' });
    expect((await timeline(db, 'alert', a)).at(-1)).toMatchObject({ to: 'acknowledged', actor: 'duty.km', via: 'link' });
    expect(await db.prisma.auditLog.count({ where: { action: 'alert.ack_link', actor: 'duty.km' } })).toBe(2);
    const again = await acknowledgeByLink(db, SECRET, token, loop.clock.now());
    expect(again.ok && again.acknowledged).toEqual([]);
    // Signed for another person (or another time) than the stored message says: refused.
    const n = (await notifications())[0]!;
    const wrongPerson = signAckToken(SECRET, { n: n.id, u: 'someone.else', issuedAt: n.createdAt.getTime() });
    expect(await readAckLink(db, SECRET, wrongPerson, loop.clock.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(await readAckLink(db, 'another-secret-0123456789abcdef', token, loop.clock.now())).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('the life cycle refuses steps out of order and lets one of two simultaneous acknowledgements win', async () => {
    loop = await startLoop(db, at('2026-12-03 10:00:00'), { policies: [TEST_POLICY] });
    const id = await loop.fire({ orgCode: '530102001', severity: 'orange' });
    const when = new Date(loop.clock.now());
    await expect(transition(db, { eventId: id, action: 'verify', actor: 'duty.km', via: 'desk', at: when })).rejects.toThrow(
      /cannot verify/,
    );
    await expect(transition(db, { eventId: id, action: 'close', actor: 'duty.km', via: 'desk', at: when })).rejects.toThrow(/note/);
    const both = await Promise.allSettled([
      transition(db, { eventId: id, action: 'acknowledge', actor: 'duty.km', via: 'desk', at: when }),
      transition(db, { eventId: id, action: 'acknowledge', actor: 'hm.wuhua', via: 'desk', at: when }),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await transition(db, { eventId: id, action: 'assign', actor: 'duty.km', assignee: 'hm.wuhua', via: 'desk', at: when });
    await transition(db, { eventId: id, action: 'handle', actor: 'hm.wuhua', via: 'desk', note: '已加开窗口', at: when });
    await transition(db, { eventId: id, action: 'verify', actor: 'duty.km', via: 'desk', at: when });
    await transition(db, { eventId: id, action: 'close', actor: 'duty.km', via: 'desk', note: '排队恢复正常', at: when });
    const ev = await db.prisma.alertEvent.findUniqueOrThrow({ where: { id } });
    expect(ev).toMatchObject({ phase: 'closed', owner: 'hm.wuhua' });
    expect(ev.closedAt?.getTime()).toBe(when.getTime());
    expect((await timeline(db, 'alert', id)).map((s) => s.to)).toEqual(['acknowledged', 'assigned', 'handled', 'verified', 'closed']);
    expect(await db.prisma.auditLog.count({ where: { action: 'alert.transition', target: id } })).toBe(5);
  });
});
