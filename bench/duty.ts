import { createHmac } from 'node:crypto';
import { COUNTIES } from '@/core/org/divisions';
import { divisionOrgUnits } from '@/core/org/org-units';
import { createDb } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { seedOrgUnits } from '@/server/db/org';
import { DutyBus } from '@/server/duty/bus';
import { DutyDesk } from '@/server/duty/desk';
import { Roster } from '@/server/duty/roster';
import { spawn } from 'node:child_process';
import { figure, recordFigures } from './results';

// `npm run bench` (part 6): alert event → message at the receiver, for a burst of 1,000 alerts in 8 rules
// over every county, told to the province's duty officer by signed webhook (whatever a flush finds goes to
// a person as one message; the webhook carries every alert id) (embedded database, as a fresh `npm start` runs). Each alert is timed from the commit of
// its alert row and outbox row (as the engine writes them: one transaction per rule round, 10 rounds of 100) to the arrival, at the local webhook receiver, of
// the first message that names it. Group wait is set to 0 here: the deliberate 30 s wait is not latency.
// The receivers run in a process of their own. Baseline in the same run: one bare signed POST to the same receiver. Figures are printed and
// recorded in bench/results/duty.json, never asserted.

const N = 1000;
const RULES = 8;

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main() {
  const db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db);
  await seedOrgUnits(db.prisma, divisionOrgUnits());
  // The receivers run in their own process, as the services they play are elsewhere.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/receiver-process.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const { hook, secret, inspect } = await new Promise<{ hook: string; secret: string; inspect: string }>((resolve) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]!) as { hook: string; secret: string; inspect: string });
    });
  });
  const receivers = {
    received: async () => (await (await fetch(`${inspect}/received`)).json()) as { at: number; alertIds: string[] }[],
    reset: async () => void (await fetch(`${inspect}/reset`)),
    close: async () => {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    },
  };
  await db.prisma.notifyChannel.create({
    data: { id: 'hook', kind: 'webhook', name: 'bench', config: { url: hook, secret, perSecond: 1000 }, updatedBy: 'bench' },
  });
  const now = Date.now();
  await db.prisma.user.create({
    data: {
      username: 'duty.yn',
      displayName: '省值班员',
      email: 'duty.yn@example.cn',
      role: 'duty_officer',
      orgUnitCode: '53',
      mobile: '13908700000',
    },
  });
  await db.prisma.dutyShift.create({
    data: {
      orgCode: '53',
      dutyRole: 'duty_officer',
      username: 'duty.yn',
      startsAt: new Date(now - 3_600_000),
      endsAt: new Date(now + 3_600_000),
      updatedBy: 'bench',
    },
  });
  await db.prisma.routingPolicy.create({
    data: {
      name: 'all',
      match: { orgCode: '53' },
      steps: [
        { afterMinutes: 0, targets: [{ type: 'on_duty', role: 'duty_officer', level: 'province' }], deliveries: [{ channels: ['hook'] }] },
      ],
      updatedBy: 'bench',
    },
  });
  await db.prisma.dutySetting.create({
    data: {
      key: 'noise',
      value: { groupWaitSec: 0, groupIntervalSec: 0, repeatIntervalSec: 14400, quietHours: {}, inhibitBySituation: true },
      updatedBy: 'bench',
    },
  });
  const rules: string[] = [];
  for (let r = 0; r < RULES; r++)
    rules.push(
      (await db.prisma.alertRule.create({ data: { name: `规则${r}`, kind: 'threshold', scopeCode: '53', spec: {}, updatedBy: 'bench' } }))
        .id,
    );

  // Baseline: one bare signed POST to the receiver, 50 times.
  const bare: number[] = [];
  for (let i = 0; i < 50; i++) {
    const body = JSON.stringify({ id: `bare-${i}`, severity: 'red', title: 't', lines: ['l'], at: Date.now() });
    const ts = Math.floor(Date.now() / 1000);
    const t0 = performance.now();
    const res = await fetch(hook, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-yingxiao-timestamp': String(ts),
        'x-yingxiao-signature': `v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`,
        'idempotency-key': `bare-${i}`,
      },
      body,
    });
    await res.text();
    bare.push(performance.now() - t0);
  }
  await receivers.reset();

  const roster = new Roster(db);
  const desk = new DutyDesk({
    db,
    bus: new DutyBus(db),
    tz: 'Asia/Shanghai',
    secret: 'b'.repeat(32),
    publicUrl: () => 'http://bench',
    roster: { onDuty: (o, r, a) => roster.onDuty(o, r, a) },
  });
  desk.start(200);
  const committed = new Map<string, number>();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  // As the engine writes them: each rule's round commits its alerts and their outbox rows in one transaction.
  const ROUND = N / 10;
  for (let r = 0; r < N / ROUND; r++) {
    const batch = Array.from({ length: ROUND }, (_, k) => r * ROUND + k).map((i) => {
      const county = COUNTIES[i % COUNTIES.length]!.code;
      const id = `b-${i}`;
      const at = new Date();
      return {
        event: {
          id,
          ruleId: rules[i % RULES]!,
          ruleVersion: 1,
          dedupKey: id,
          openKey: id,
          condition: 'breach',
          subject: `${county}${i}`,
          orgCode: county,
          orgName: county,
          severity: i % 4 ? ('orange' as const) : ('red' as const),
          state: 'firing',
          title: `告警 ${i}`,
          titleEn: `alert ${i}`,
          figures: {},
          firedAt: at,
          updatedAt: at,
        },
        outbox: { eventId: id, change: 'fired', at },
      };
    });
    await db.prisma.$transaction([
      db.prisma.alertEvent.createMany({ data: batch.map((b) => b.event) }),
      db.prisma.alertOutbox.createMany({ data: batch.map((b) => b.outbox) }),
    ]);
    const committedAt = performance.now();
    for (const b of batch) committed.set(b.event.id, committedAt);
    void desk.kick();
  }
  const insertMs = performance.now() - t0;
  const arrived = new Map<string, number>();
  const deadline = Date.now() + 120_000;
  while (arrived.size < N && Date.now() < deadline) {
    for (const m of await receivers.received()) for (const id of m.alertIds) if (!arrived.has(id)) arrived.set(id, m.at);
    await new Promise((r) => setTimeout(r, 100));
  }
  await desk.stop();
  // Receiver arrival times are wall-clock ms; commits were taken on the performance clock: align them.
  const offset = Date.now() - performance.now();
  const lat = [...arrived.entries()].map(([id, at]) => at - (committed.get(id)! + offset));
  const messages = (await receivers.received()).length;
  const out = {
    alerts: N,
    delivered: arrived.size,
    messages,
    insertMs: Math.round(insertMs),
    p50Ms: Math.round(pct(lat, 50)),
    p95Ms: Math.round(pct(lat, 95)),
    maxMs: Math.round(Math.max(...lat)),
    bareP50Ms: Number(pct(bare, 50).toFixed(2)),
    p95VsBare: Number((pct(lat, 95) / pct(bare, 50)).toFixed(1)),
    rssGrowthMb: Math.round((process.memoryUsage().rss - rssBefore) / 1e6),
  };
  console.log(`\nAlert → receiver (duty loop), burst of ${N} alerts, ${RULES} rules × ${COUNTIES.length} counties, group wait 0`);
  console.log(
    `  delivered ${out.delivered}/${N} alerts in ${messages} messages (each flush: one message per person); burst written in ${out.insertMs} ms`,
  );
  console.log(`  commit → message at receiver: p50 ${out.p50Ms} ms, p95 ${out.p95Ms} ms, max ${out.maxMs} ms (aim p95 < 2000 ms)`);
  console.log(`  baseline, one bare signed POST to the receiver: p50 ${out.bareP50Ms} ms → p95 is ${out.p95VsBare}× that`);
  const baseline = { label: 'one bare signed POST to the receiver, p50', value: out.bareP50Ms, unit: 'ms' };
  const note = `${out.delivered}/${N} alerts delivered in ${messages} messages; burst written in ${out.insertMs} ms; RSS +${out.rssGrowthMb} MB`;
  recordFigures('duty', [
    ...(['p50Ms', 'p95Ms'] as const).map((k) =>
      figure({
        id: `duty.alert-to-receiver.${k.slice(0, 3)}`,
        measure: `alert event committed → message at the receiver, ${k.slice(0, 3)} (burst of ${N} alerts, signed webhook, group wait 0)`,
        value: out[k],
        unit: 'ms',
        baseline,
        better: 'lower',
        ...(k === 'p95Ms' ? { aim: 2000 } : {}),
        note,
      }),
    ),
  ]);
  await receivers.close();
  await db.close();
}

await main();
