import { describe, expect, it } from 'vitest';
import { SEVERITIES as SERVER_SEVERITIES, RULE_KINDS as SERVER_KINDS } from '@/server/alerts/spec';
import { groupBySituation, kpiRowsInput, orderAlerts, type AlertLike } from './alert-list';
import { RULE_KINDS, SEVERITIES, worstSeverity } from './severity';

const a = (id: string, state: string, severity: string, firedAt: string, situationId: string | null = null): AlertLike => ({
  id,
  state,
  severity,
  firedAt: `2026-11-30T${firedAt}:00Z`,
  situationId,
});

describe('order', () => {
  it('puts firing first, then newest first, then the more severe', () => {
    const items = [
      a('1', 'recovered', 'red', '10:00'),
      a('2', 'firing', 'blue', '09:00'),
      a('3', 'firing', 'yellow', '11:00'),
      a('4', 'firing', 'red', '11:00'),
    ];
    expect(orderAlerts(items).map((x) => x.id)).toEqual(['4', '3', '2', '1']);
  });
});

describe('situations (关联研判)', () => {
  it('groups alerts sharing a situationId where the first of them stands, head apart from members', () => {
    const items = orderAlerts([
      a('s1', 'firing', 'orange', '10:00', 's1'),
      a('x', 'firing', 'red', '10:30'),
      a('m1', 'firing', 'yellow', '10:20', 's1'),
      a('m2', 'recovered', 'red', '10:40', 's1'),
      a('y', 'firing', 'blue', '09:00'),
    ]);
    const entries = groupBySituation(items);
    expect(entries.map((e) => e.key)).toEqual(['x', 'situation:s1', 'y']);
    const g = entries[1]!;
    if (g.type !== 'situation') throw new Error('expected a situation');
    expect(g.head?.id).toBe('s1');
    expect(g.members.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(g.worst).toBe('red');
    expect(g.firing).toBe(true);
  });
  it('keeps a group whose head is not on the page', () => {
    const entries = groupBySituation([a('m1', 'firing', 'yellow', '10:20', 'gone')]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: 'situation', head: null });
  });
});

describe('drill-down', () => {
  it('turns a KPI drill into the kpi.rows input', () => {
    const drill = {
      kind: 'kpi',
      kpi: 'call.inbound',
      orgCode: '5303',
      time: { from: '2026-11-30 21:29', to: '2026-11-30 22:30' },
      filters: { category: ['fault_repair'] },
    };
    expect(kpiRowsInput(drill, 20)).toEqual({
      kpi: 'call.inbound',
      orgCode: '5303',
      time: drill.time,
      filters: drill.filters,
      pageSize: 20,
    });
    expect(kpiRowsInput({ ...drill, time: { preset: 'today' }, filters: undefined })).toMatchObject({
      time: { preset: 'today' },
      filters: {},
    });
  });
  it('has nothing to load for record drills or none', () => {
    expect(kpiRowsInput({ kind: 'record', table: 'work_order', id: 'GD1' })).toBeNull();
    expect(kpiRowsInput(null)).toBeNull();
    expect(kpiRowsInput({ kind: 'kpi', kpi: 'x', orgCode: '53' })).toBeNull();
  });
});

describe('severity scheme', () => {
  it('matches the server’s four levels and rule kinds', () => {
    expect([...SEVERITIES]).toEqual([...SERVER_SEVERITIES]);
    expect([...RULE_KINDS]).toEqual([...SERVER_KINDS]);
  });
  it('finds the worst', () => {
    expect(worstSeverity(['blue', 'orange', 'yellow'])).toBe('orange');
    expect(worstSeverity([])).toBeNull();
  });
});
