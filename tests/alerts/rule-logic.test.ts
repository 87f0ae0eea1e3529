import { describe, expect, it } from 'vitest';
import { parseLocal } from '@/core/time';
import { isActive, isWorkday } from '@/server/alerts/calendar';
import { commonOrg, readsRollups } from '@/server/alerts/engine';
import { step, type SubjectState } from '@/server/alerts/hysteresis';
import { ruleSpecSchema, severityOf, type Severity } from '@/server/alerts/spec';
import { STARTER_RULES } from '@/server/alerts/starter-rules';
import { RULE_KINDS } from '@/server/alerts/spec';

const TZ = 'Asia/Shanghai';
const at = (s: string) => parseLocal(s, TZ)!;

describe('hysteresis', () => {
  const run = (severities: (Severity | null)[], h = { fireAfter: 2, recoverAfter: 3 }) => {
    let s: SubjectState | undefined;
    return severities.map((sev) => {
      const r = step(s, sev, h);
      s = r.next;
      return r.action;
    });
  };

  it('fires after N consecutive breaches and recovers after M consecutive clears', () => {
    expect(run(['yellow', 'yellow', 'yellow', null, null, null])).toEqual(['none', 'fire', 'none', 'none', 'none', 'recover']);
  });

  it('starts the streak again when a breach is interrupted', () => {
    expect(run(['yellow', null, 'yellow', null, 'yellow', 'yellow'])).toEqual(['none', 'none', 'none', 'none', 'none', 'fire']);
  });

  it('a clear in the middle of a firing does not recover it; a breach resets the clear streak', () => {
    expect(run(['red', 'red', null, null, 'red', null, null, null])).toEqual([
      'none',
      'fire',
      'none',
      'none',
      'none',
      'none',
      'none',
      'recover',
    ]);
  });

  it('escalates and de-escalates the same alert instead of opening another', () => {
    expect(run(['yellow', 'yellow', 'red', 'red', 'orange'], { fireAfter: 2, recoverAfter: 1 })).toEqual([
      'none',
      'fire',
      'update',
      'none',
      'update',
    ]);
  });
});

describe('severity', () => {
  it('takes the most severe level a value crosses, in either direction', () => {
    const loss = { yellow: 0.05, orange: 0.1, red: 0.2 };
    expect(severityOf(0.04, loss, '>=')).toBeNull();
    expect(severityOf(0.05, loss, '>=')).toBe('yellow');
    expect(severityOf(0.15, loss, '>=')).toBe('orange');
    expect(severityOf(0.5, loss, '>=')).toBe('red');
    const sl = { yellow: 0.8, orange: 0.7, red: 0.6 };
    expect(severityOf(0.85, sl, '<')).toBeNull();
    expect(severityOf(0.75, sl, '<')).toBe('yellow');
    expect(severityOf(0.55, sl, '<')).toBe('red');
    expect(severityOf(null, sl, '<')).toBeNull();
  });
});

describe('active calendar', () => {
  const params = { 'calendar.holidays': ['2026-10-01'], 'calendar.makeupWorkdays': ['2026-10-10'] };
  it('knows weekends, public holidays and make-up working days', () => {
    expect(isWorkday(at('2026-11-23 10:00'), TZ, params)).toBe(true); // Monday
    expect(isWorkday(at('2026-11-22 10:00'), TZ, params)).toBe(false); // Sunday
    expect(isWorkday(at('2026-10-01 10:00'), TZ, params)).toBe(false); // National Day, a Thursday
    expect(isWorkday(at('2026-10-10 10:00'), TZ, params)).toBe(true); // a Saturday worked instead
  });
  it('limits a rule to its hours, also across midnight', () => {
    const hall = { days: 'all' as const, hours: { from: '08:30', to: '18:00' } };
    expect(isActive(hall, at('2026-11-23 08:29'), TZ, params)).toBe(false);
    expect(isActive(hall, at('2026-11-23 08:30'), TZ, params)).toBe(true);
    expect(isActive(hall, at('2026-11-23 18:00'), TZ, params)).toBe(false);
    const night = { days: 'all' as const, hours: { from: '22:00', to: '06:00' } };
    expect(isActive(night, at('2026-11-23 23:00'), TZ, params)).toBe(true);
    expect(isActive(night, at('2026-11-23 05:59'), TZ, params)).toBe(true);
    expect(isActive(night, at('2026-11-23 12:00'), TZ, params)).toBe(false);
    expect(isActive({ days: 'workdays' }, at('2026-11-22 12:00'), TZ, params)).toBe(false);
  });
});

describe('rule spec', () => {
  const base = { scope: { orgCode: '53', by: 'city' }, levels: { yellow: 2 } };
  it('rejects what cannot be evaluated, with a reason', () => {
    const noBase = ruleSpecSchema.safeParse({ ...base, kind: 'change', kpi: 'queue.tickets', mode: 'versus_kpi', windowMinutes: 30 });
    expect(noBase.success).toBe(false);
    expect(noBase.error!.issues[0]!.path).toEqual(['baseKpi']);
    const hallCalls = ruleSpecSchema.safeParse({
      ...base,
      kind: 'threshold',
      kpi: 'call.loss_rate',
      window: { minutes: 15 },
      scope: { orgCode: '53', by: 'hall' },
    });
    expect(hallCalls.success).toBe(false);
    expect(
      ruleSpecSchema.safeParse({ ...base, kind: 'threshold', kpi: 'call.loss_rate', window: { minutes: 15 }, levels: {} }).success,
    ).toBe(false);
    expect(ruleSpecSchema.safeParse({ ...base, kind: 'threshold', kpi: 'no.such_kpi', window: { minutes: 15 } }).success).toBe(false);
  });
  it('the starter set covers every kind of rule', () => {
    expect(new Set(STARTER_RULES.map((r) => r.spec.kind))).toEqual(new Set(RULE_KINDS));
  });
});

describe('round planning', () => {
  it('reads records once at the deepest node containing every rule scope', () => {
    expect(commonOrg(['530102', '530103'])).toBe('5301');
    expect(commonOrg(['530102003', '530102'])).toBe('530102');
    expect(commonOrg(['5301', '5303'])).toBe('53');
    expect(commonOrg(['530102003'])).toBe('530102');
    expect(commonOrg([])).toBe('53');
  });
  it('waits for the rollups only for rules on business-day figures', () => {
    const spec = (window: object) =>
      ruleSpecSchema.parse({ kind: 'threshold', kpi: 'call.loss_rate', window, scope: { orgCode: '53' }, levels: { red: 0.2 } });
    expect(readsRollups(spec({ preset: 'today' }))).toBe(true);
    expect(readsRollups(spec({ minutes: 15 }))).toBe(false);
    expect(
      readsRollups(ruleSpecSchema.parse({ kind: 'time_limit', check: 'reconnection', scope: { orgCode: '53' }, levels: { red: 24 } })),
    ).toBe(false);
  });
});
