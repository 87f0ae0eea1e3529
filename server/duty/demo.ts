import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import type { PolicyInput } from './policy';
import { seedDemoRoster } from './roster';

// The demo's duty set-up, so a fresh start shows the whole loop: the simulator's receivers as channels (their
// addresses change each start, so the demo channels are rewritten each start), a roster, and routing
// policies that send to them. Policies are written only when there are none: an administrator's edits stay.

export interface DemoChannel {
  id: string;
  kind: string;
  name: string;
  config: Record<string, unknown>;
}

export const DEMO_POLICIES: PolicyInput[] = [
  {
    name: '红色/橙色预警：值班员与客户经理，10 分钟未确认升级至领导',
    priority: 10,
    enabled: true,
    wallBanner: true,
    match: { orgCode: '53', severities: ['red', 'orange'] },
    steps: [
      {
        afterMinutes: 0,
        targets: [
          { type: 'on_duty', role: 'hall_manager', level: 'alert' },
          { type: 'on_duty', role: 'duty_officer', level: 'alert' },
        ],
        deliveries: [{ channels: ['demo-dingtalk', 'demo-wecom'] }, { channels: ['demo-sms', 'demo-smpp'] }],
      },
      {
        afterMinutes: 10,
        targets: [{ type: 'on_duty', role: 'leader', level: 'alert' }],
        deliveries: [{ channels: ['demo-sms', 'demo-smpp'] }, { channels: ['demo-feishu'] }],
      },
      {
        afterMinutes: 30,
        targets: [{ type: 'on_duty', role: 'leader', level: 'province' }],
        deliveries: [{ channels: ['demo-sms', 'demo-email'] }],
      },
    ],
  },
  {
    name: '黄色/蓝色预警：值班群与邮件，60 分钟未确认提醒省值班员',
    priority: 50,
    enabled: true,
    wallBanner: false,
    match: { orgCode: '53', severities: ['yellow', 'blue'] },
    steps: [
      {
        afterMinutes: 0,
        targets: [
          { type: 'on_duty', role: 'hall_manager', level: 'alert' },
          { type: 'on_duty', role: 'duty_officer', level: 'alert' },
        ],
        deliveries: [{ channels: ['demo-wecom', 'demo-feishu'] }],
      },
      {
        afterMinutes: 60,
        targets: [{ type: 'on_duty', role: 'duty_officer', level: 'province' }],
        deliveries: [{ channels: ['demo-sms', 'demo-smpp'] }],
      },
    ],
  },
  {
    name: '数据源中断：调度系统 Webhook 与邮件',
    priority: 5,
    enabled: true,
    wallBanner: true,
    match: { orgCode: '53', domains: ['source'] },
    steps: [
      {
        afterMinutes: 0,
        targets: [{ type: 'on_duty', role: 'duty_officer', level: 'province' }],
        deliveries: [{ channels: ['demo-webhook', 'demo-email'] }],
      },
    ],
  },
];

export async function seedDemoDuty(db: Db, channels: DemoChannel[], now: number, tz: string) {
  for (const c of channels) {
    const data = { kind: c.kind, name: c.name, config: c.config as Prisma.InputJsonValue, updatedBy: 'system' };
    await db.prisma.notifyChannel.upsert({ where: { id: c.id }, create: { id: c.id, enabled: true, ...data }, update: data });
  }
  let policies = 0;
  if ((await db.prisma.routingPolicy.count()) === 0) {
    for (const p of DEMO_POLICIES) {
      await db.prisma.routingPolicy.create({
        data: {
          name: p.name,
          priority: p.priority,
          enabled: p.enabled,
          match: p.match,
          steps: p.steps,
          wallBanner: p.wallBanner,
          updatedBy: 'system',
        },
      });
      policies++;
    }
  }
  const roster = await seedDemoRoster(db, now, tz);
  return { channels: channels.length, policies, ...roster };
}
