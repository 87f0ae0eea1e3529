import { describe, expect, it } from 'vitest';
import { DEFAULT_NOISE, noiseSettingsSchema } from '@/server/duty/settings';
import { beijingInputToMs, formToNoise, msToBeijingInput, noiseToForm, silenceState } from './duty-values';

describe('Beijing datetime inputs', () => {
  it('reads the input as UTC+8 and writes it back', () => {
    const ms = beijingInputToMs('2026-12-06T08:30')!;
    expect(new Date(ms).toISOString()).toBe('2026-12-06T00:30:00.000Z');
    expect(msToBeijingInput(ms)).toBe('2026-12-06T08:30');
    expect(msToBeijingInput(Date.UTC(2026, 11, 5, 20, 0))).toBe('2026-12-06T04:00');
    expect(beijingInputToMs('2026-13-01T00:00')).toBeNull();
    expect(beijingInputToMs('')).toBeNull();
  });
});

describe('silenceState', () => {
  it('is pending, active or ended', () => {
    const s = { startsAt: '2026-12-06T00:00:00Z', endsAt: '2026-12-06T02:00:00Z' };
    expect(silenceState(s, Date.parse('2026-12-05T23:00:00Z'))).toBe('pending');
    expect(silenceState(s, Date.parse('2026-12-06T01:00:00Z'))).toBe('active');
    expect(silenceState(s, Date.parse('2026-12-06T02:00:00Z'))).toBe('ended');
  });
});

describe('noise settings form', () => {
  it('round-trips the defaults into settings the server accepts', () => {
    const out = formToNoise(noiseToForm(DEFAULT_NOISE));
    expect(out).toEqual({ ok: true, value: DEFAULT_NOISE });
    expect(out.ok && noiseSettingsSchema.safeParse(out.value).success).toBe(true);
  });

  it('turns quiet hours on and off per severity', () => {
    const f = noiseToForm(DEFAULT_NOISE);
    f.quiet.blue.on = false;
    f.quiet.red = { on: true, from: '23:00', to: '06:00', channelKinds: ['email'] };
    const out = formToNoise(f);
    expect(out.ok && out.value.quietHours).toEqual({
      red: { from: '23:00', to: '06:00', channelKinds: ['email'] },
      yellow: DEFAULT_NOISE.quietHours.yellow,
    });
  });

  it('reports bad numbers and times', () => {
    const f = noiseToForm(DEFAULT_NOISE);
    f.repeatIntervalSec = '30';
    f.groupWaitSec = 'x';
    f.quiet.yellow.from = '24:00';
    const out = formToNoise(f);
    expect(out.ok ? [] : out.problems).toEqual(['groupWaitSec', 'repeatIntervalSec', 'quietHours.yellow']);
  });
});
