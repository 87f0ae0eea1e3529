import { z } from 'zod';
import type { Db } from '../db/client';

// Noise control, one document (duty_settings 'noise'), edited by admins. The defaults are Alertmanager's
// proven ones (group_wait 30 s, group_interval 5 min, repeat_interval 4 h) and a quiet night for SMS of the
// two lower severities: nobody is woken at 02:00 for a yellow or blue alert; red and orange always go.

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time as HH:MM');

export const quietHoursSchema = z.object({
  from: hhmm,
  to: hhmm,
  /** Channel kinds held back in the quiet span (robots and in-app still go). */
  channelKinds: z.array(z.enum(['sms_aliyun', 'smpp', 'email', 'wecom', 'dingtalk', 'feishu', 'webhook'])).max(7),
});

export const noiseSettingsSchema = z.object({
  groupWaitSec: z.number().int().min(0).max(3600),
  groupIntervalSec: z.number().int().min(0).max(86_400),
  repeatIntervalSec: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400),
  /** Per severity; a severity without an entry is never held back. */
  quietHours: z.object({
    red: quietHoursSchema.optional(),
    orange: quietHoursSchema.optional(),
    yellow: quietHoursSchema.optional(),
    blue: quietHoursSchema.optional(),
  }),
  /** An outage situation in a county holds back the per-hall queue and call alerts it explains. */
  inhibitBySituation: z.boolean(),
});
export type NoiseSettings = z.infer<typeof noiseSettingsSchema>;

export const DEFAULT_NOISE: NoiseSettings = {
  groupWaitSec: 30,
  groupIntervalSec: 300,
  repeatIntervalSec: 4 * 3600,
  quietHours: {
    yellow: { from: '22:00', to: '07:00', channelKinds: ['sms_aliyun', 'smpp'] },
    blue: { from: '22:00', to: '07:00', channelKinds: ['sms_aliyun', 'smpp'] },
  },
  inhibitBySituation: true,
};

const KEY = 'noise';

export async function readNoiseSettings(db: Db): Promise<NoiseSettings> {
  const row = await db.prisma.dutySetting.findUnique({ where: { key: KEY } });
  const parsed = noiseSettingsSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_NOISE;
}

export async function saveNoiseSettings(db: Db, value: NoiseSettings, actor: string): Promise<void> {
  const v = noiseSettingsSchema.parse(value);
  await db.prisma.$transaction([
    db.prisma.dutySetting.upsert({
      where: { key: KEY },
      create: { key: KEY, value: v, updatedBy: actor },
      update: { value: v, updatedBy: actor },
    }),
    db.prisma.auditLog.create({ data: { actor, action: 'duty.settings', target: KEY, detail: v } }),
  ]);
}

/**
 * When a message on `channelKind` for `severity`, due at `at`, may go: `at` itself, or the end of the quiet
 * span it falls in (Beijing wall-clock minutes; a span may cross midnight).
 */
export function releaseTime(
  s: NoiseSettings,
  severity: keyof NoiseSettings['quietHours'],
  channelKind: string,
  at: number,
  tz: string,
): number {
  const q = s.quietHours[severity];
  if (!q || !(q.channelKinds as string[]).includes(channelKind)) return at;
  const from = minutes(q.from);
  const to = minutes(q.to);
  if (from === to) return at;
  const local = localMinute(at, tz);
  const inside = from < to ? local >= from && local < to : local >= from || local < to;
  if (!inside) return at;
  const wait = (to - local + 1440) % 1440;
  // Whole minutes to the end of the span, from the start of the current minute.
  return at - (at % 60_000) + wait * 60_000;
}

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

function localMinute(ms: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}
