// Silences and noise settings in the editor: Beijing wall-clock inputs ↔ instants, a silence's state, and the
// noise settings' form ↔ the NoiseSettings document (server/duty/settings.ts). Pure.
import type { NoiseSettings } from '@/server/duty/settings';
import { SEVERITIES, type Severity } from './policy-form';

const BEIJING_OFFSET_MS = 8 * 3600_000; // China Standard Time, no daylight saving

/** A `datetime-local` value read as Beijing time ("2026-12-05T22:30") → ms; null when malformed. */
export function beijingInputToMs(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  return Date.UTC(y, mo - 1, d, h, mi) - BEIJING_OFFSET_MS;
}

/** ms → a `datetime-local` value in Beijing time (minutes). */
export function msToBeijingInput(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 16);
}

export type SilenceState = 'active' | 'pending' | 'ended';

export function silenceState(s: { startsAt: string; endsAt: string }, now: number): SilenceState {
  if (Date.parse(s.endsAt) <= now) return 'ended';
  return Date.parse(s.startsAt) > now ? 'pending' : 'active';
}

export const QUIET_CHANNEL_KINDS = ['sms_aliyun', 'smpp', 'email', 'wecom', 'dingtalk', 'feishu', 'webhook'] as const;
export type QuietKind = (typeof QUIET_CHANNEL_KINDS)[number];

export interface QuietForm {
  on: boolean;
  from: string;
  to: string;
  channelKinds: QuietKind[];
}

export interface NoiseForm {
  groupWaitSec: string;
  groupIntervalSec: string;
  repeatIntervalSec: string;
  quiet: Record<Severity, QuietForm>;
  inhibitBySituation: boolean;
}

export function noiseToForm(s: NoiseSettings): NoiseForm {
  const quiet = Object.fromEntries(
    SEVERITIES.map((sev) => {
      const q = s.quietHours[sev];
      return [
        sev,
        q
          ? { on: true, from: q.from, to: q.to, channelKinds: [...q.channelKinds] }
          : { on: false, from: '22:00', to: '07:00', channelKinds: ['sms_aliyun', 'smpp'] },
      ];
    }),
  ) as Record<Severity, QuietForm>;
  return {
    groupWaitSec: String(s.groupWaitSec),
    groupIntervalSec: String(s.groupIntervalSec),
    repeatIntervalSec: String(s.repeatIntervalSec),
    quiet,
    inhibitBySituation: s.inhibitBySituation,
  };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The settings to save, or the names of the fields that are wrong (the server checks again). */
export function formToNoise(f: NoiseForm): { ok: true; value: NoiseSettings } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const int = (key: 'groupWaitSec' | 'groupIntervalSec' | 'repeatIntervalSec', min: number, max: number) => {
    const v = f[key].trim();
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= min && n <= max)) problems.push(key);
    return n;
  };
  const groupWaitSec = int('groupWaitSec', 0, 3600);
  const groupIntervalSec = int('groupIntervalSec', 0, 86_400);
  const repeatIntervalSec = int('repeatIntervalSec', 60, 7 * 86_400);
  const quietHours: NoiseSettings['quietHours'] = {};
  for (const sev of SEVERITIES) {
    const q = f.quiet[sev];
    if (!q.on) continue;
    if (!HHMM.test(q.from) || !HHMM.test(q.to)) problems.push(`quietHours.${sev}`);
    quietHours[sev] = { from: q.from, to: q.to, channelKinds: QUIET_CHANNEL_KINDS.filter((k) => q.channelKinds.includes(k)) };
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { groupWaitSec, groupIntervalSec, repeatIntervalSec, quietHours, inhibitBySituation: f.inhibitBySituation } };
}
