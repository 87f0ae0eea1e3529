import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { divisionOrgUnits } from '@/core/org/org-units';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { seedOrgUnits } from '@/server/db/org';
import { DutyBus, type DutyEvent } from '@/server/duty/bus';
import { DutyDesk } from '@/server/duty/desk';
import { Roster } from '@/server/duty/roster';
import { MIGRATIONS_DIR, createPgDatabase, type TestPgDatabase } from '../db/helpers';
import { HOUR } from './helpers';
import { startLoop, type Loop } from './loop-fixture';

// Once and only once across processes, on the real PostgreSQL: two senders claim with row locks and never
// send a message twice; an event published by one process reaches the screens of another (LISTEN/NOTIFY);
// a sender killed with SIGKILL in the middle of a burst leaves nothing unsent once another takes over.

const SEC = 1000;

function child(args: string[]): Promise<{ proc: ChildProcess; lines: string[] }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/duty/fixtures/duty-child.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buf = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const p of parts) {
        if (p === 'ready') resolve({ proc, lines });
        else lines.push(p);
      }
    });
    proc.on('exit', (code) => reject(new Error(`child exited ${code}: ${err.slice(-2000)}`)));
  });
}

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('duty across processes (PostgreSQL)', () => {
  let t: TestPgDatabase;
  let db: Db;
  const opened: Db[] = [];
  const open = async () => {
    const d = await createDb({ databaseUrl: t.url, dataDir: '/nonexistent' });
    opened.push(d);
    return d;
  };
  beforeAll(async () => {
    t = await createPgDatabase();
    db = await open();
    await applyMigrations(db, MIGRATIONS_DIR);
    await seedOrgUnits(db.prisma, divisionOrgUnits());
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled(opened.map((d) => d.close()));
    await t?.drop();
  });

  it('two senders working the same outbox send each message exactly once', async () => {
    const loop: Loop = await startLoop(db, Date.parse('2026-12-03T02:00:00Z'), { noise: { groupWaitSec: 0 } });
    const other = await open();
    const roster = new Roster(other, { now: loop.clock.now });
    const desk2 = new DutyDesk({
      db: other,
      bus: new DutyBus(other),
      tz: 'Asia/Shanghai',
      secret: 'x'.repeat(32),
      publicUrl: () => 'http://duty.test',
      now: loop.clock.now,
      roster: { onDuty: (o, r, a) => roster.onDuty(o, r, a) },
    });
    try {
      await db.prisma.routingPolicy.updateMany({
        data: {
          steps: [
            {
              afterMinutes: 0,
              targets: [
                { type: 'on_duty', role: 'hall_manager' },
                { type: 'on_duty', role: 'duty_officer' },
              ],
              deliveries: [{ channels: ['demo-webhook'] }],
            },
          ],
        },
      });
      const counties = ['530102', '530103', '530111', '530112', '530113', '530114', '530115', '530124'];
      // County by county, each burst flushed before the next: one message per person for each.
      for (const c of counties) {
        for (let h = 1; h <= 5; h++) await loop.fire({ orgCode: `${c}00${h}`, severity: 'red' });
        await Promise.all([loop.desk.tick(loop.clock.now()), desk2.tick(loop.clock.now())]);
        loop.clock.advance(2 * SEC);
      }
      for (let round = 0; round < 3; round++) {
        await Promise.all([loop.desk.tick(loop.clock.now()), desk2.tick(loop.clock.now())]);
        loop.clock.advance(2 * SEC);
      }
      const sent = await db.prisma.notification.findMany({ where: { channelId: 'demo-webhook' } });
      // 8 county groups; 530102 has its hall manager and 昆明's duty officer, the others the duty officer only.
      expect(sent).toHaveLength(9);
      expect(sent.every((n) => n.status === 'sent')).toBe(true);
      const hooks = loop.receivers.received('webhook');
      expect(hooks).toHaveLength(9);
      expect(hooks.filter((h) => h.duplicate)).toHaveLength(0);
      expect(new Set(hooks.map((h) => (h.raw as { id: string }).id)).size).toBe(9);
      // Each change was routed once: one 'raised' step per alert, whichever process took it.
      expect(await db.prisma.dutyTransition.count({ where: { toPhase: 'raised', fromPhase: null } })).toBe(40);
    } finally {
      await desk2.stop();
      await loop.close();
      await db.prisma.$executeRawUnsafe(
        'TRUNCATE notifications, notification_attempts, notify_groups, alert_outbox, duty_transitions, alert_events, alert_rules, routing_policies, notify_channels, duty_shifts, users, duty_settings, run_log CASCADE',
      );
    }
  }, 90_000);

  it('an event published on one process reaches a listener on another', async () => {
    const listener = await child(['listen', t.url]);
    const bus = new DutyBus(db);
    await bus.start();
    try {
      const e: DutyEvent = {
        type: 'alert',
        eventId: 'evt-x',
        change: 'fired',
        severity: 'red',
        orgCode: '530102',
        orgName: '五华区',
        title: '五华区停电',
        titleEn: 'outage',
        phase: 'raised',
        banner: true,
        at: 1,
      };
      await bus.publish(e);
      await until('the other process to hear it', () => listener.lines.length > 0);
      expect(JSON.parse(listener.lines[0]!)).toEqual(e);
    } finally {
      listener.proc.kill('SIGKILL');
      await bus.close();
    }
  }, 60_000);

  it('kill -9 during a burst of deliveries: after another sender takes over, every message has gone out, none lost', async () => {
    // A slow receiver (300 ms per request) that counts deliveries by their idempotency key.
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const ts = String(req.headers['x-yingxiao-timestamp']);
        const sig = createHmac('sha256', 'slow-hook-secret-0123').update(`${ts}.${body}`).digest('hex');
        if (req.headers['x-yingxiao-signature'] !== `v1=${sig}`) {
          res.writeHead(401).end();
          return;
        }
        seen.push(String(req.headers['idempotency-key']));
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 300);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const counties = [
      '530102',
      '530103',
      '530111',
      '530112',
      '530113',
      '530114',
      '530115',
      '530124',
      '530125',
      '530126',
      '530127',
      '530128',
      '530129',
      '530181',
    ];
    const now = Date.now();
    // One hall manager on duty per county, so the burst is one message per county whatever gets flushed together.
    for (const [i, c] of counties.entries()) {
      const username = `hm.${c}`;
      await db.prisma.user.create({
        data: {
          username,
          displayName: username,
          email: `${username}@example.cn`,
          role: 'hall_manager',
          orgUnitCode: c,
          mobile: `1390870${String(i).padStart(4, '0')}`,
        },
      });
      await db.prisma.dutyShift.create({
        data: {
          orgCode: c,
          dutyRole: 'hall_manager',
          username,
          startsAt: new Date(now - HOUR),
          endsAt: new Date(now + 4 * HOUR),
          updatedBy: 'test',
        },
      });
    }
    await db.prisma.notifyChannel.create({
      data: {
        id: 'slow-hook',
        kind: 'webhook',
        name: 'slow',
        config: { url: `http://127.0.0.1:${port}/hook`, secret: 'slow-hook-secret-0123', perSecond: 1000 },
        updatedBy: 'test',
      },
    });
    await db.prisma.routingPolicy.create({
      data: {
        name: 'all',
        match: { orgCode: '53' },
        steps: [{ afterMinutes: 0, targets: [{ type: 'on_duty', role: 'hall_manager' }], deliveries: [{ channels: ['slow-hook'] }] }],
        updatedBy: 'test',
      },
    });
    await db.prisma.dutySetting.create({
      data: {
        key: 'noise',
        value: { groupWaitSec: 0, groupIntervalSec: 0, repeatIntervalSec: 14400, quietHours: {}, inhibitBySituation: true },
        updatedBy: 'test',
      },
    });
    const rule = await db.prisma.alertRule.create({
      data: { name: '排队', kind: 'threshold', scopeCode: '53', spec: {}, updatedBy: 'test' },
    });
    for (const c of counties) {
      const at = new Date();
      await db.prisma.$transaction([
        db.prisma.alertEvent.create({
          data: {
            id: `k-${c}`,
            ruleId: rule.id,
            ruleVersion: 1,
            dedupKey: c,
            condition: 'breach',
            subject: c,
            orgCode: c,
            orgName: c,
            severity: 'red',
            state: 'firing',
            title: `${c} 排队`,
            titleEn: 'queue',
            figures: {},
            firedAt: at,
            updatedAt: at,
          },
        }),
        db.prisma.alertOutbox.create({ data: { eventId: `k-${c}`, change: 'fired', at } }),
      ]);
    }
    const sender = await child(['desk', t.url]);
    try {
      await until('a few deliveries', () => seen.length >= 4);
      sender.proc.kill('SIGKILL');
      await new Promise((r) => sender.proc.once('exit', r));
      const delivered = seen.length;
      expect(delivered).toBeLessThan(counties.length);
      const stuck = await db.prisma.notification.count({ where: { status: 'sending' } });
      // A new sender takes over once the dead one's claims lapse (its clock moved past the 60 s lease).
      const roster = new Roster(db);
      const later = () => Date.now() + 61 * SEC;
      const desk = new DutyDesk({
        db,
        bus: new DutyBus(db),
        tz: 'Asia/Shanghai',
        secret: 'y'.repeat(32),
        publicUrl: () => 'http://duty.test',
        now: later,
        roster: { onDuty: (o, r, a) => roster.onDuty(o, r, a) },
      });
      for (let i = 0; i < 10 && (await db.prisma.notification.count({ where: { status: { not: 'sent' } } })) > 0; i++)
        await desk.tick(later());
      const rows = await db.prisma.notification.findMany();
      expect(rows).toHaveLength(counties.length);
      expect(rows.every((n) => n.status === 'sent')).toBe(true);
      const distinct = new Set(seen);
      expect(distinct).toEqual(new Set(rows.map((n) => n.id)));
      // At most the message in flight at the kill goes out a second time, with the same idempotency key.
      expect(seen.length - distinct.size).toBeLessThanOrEqual(Math.max(1, stuck));
    } finally {
      sender.proc.kill('SIGKILL');
      server.close();
    }
  }, 90_000);
});
