import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../_i18n/locale';
import { agentStates } from './agent-states.fixture';
import { periodLabel, buildAchievements } from './achievements';
import { buildAgentStates } from './agent-states';
import { severityVars, shortOrgName, sortAlerts, type WallAlert } from './alerts-view';
import { sortFreshness, sourceName } from './freshness';
import { buildOutageList } from './outage-list';
import { panelData, point, result, series } from './test-data';

const zh = createTranslator('zh-CN');

describe('buildOutageList', () => {
  const kpis = (values: Record<string, [number | null, number | null, number | null, number | null]>) =>
    ['outage.events', 'outage.affected', 'outage.notified_rate', 'outage.timely_rate'].map((k, i) =>
      series(
        k,
        Object.entries(values).map(([code, v]) =>
          point(code, v[i]!, { orgName: `县${code}`, status: i >= 2 && v[i] !== null ? (v[i]! < 0.95 ? 'alarm' : 'ok') : null }),
        ),
      ),
    );
  const data = panelData([
    result('ol', kpis({ '530102': [2, 800, 0.97, 0.9], '530103': [0, 0, null, null], '530111': [1, 3000, 0.99, 1] }), { by: 'county' }),
    result('ol:total', kpis({ '53': [3, 3800, 0.985, 0.97] })),
  ]);
  it('lists counties with outages only, most customers affected first, with the total', () => {
    const { rows, total } = buildOutageList(data);
    expect(rows.map((r) => r.code)).toEqual(['530111', '530102']);
    expect(rows[1]!.timely).toMatchObject({ value: 0.9, status: 'alarm' });
    expect(total).toMatchObject({ events: 3, affected: 3800 });
    expect(buildOutageList(undefined)).toEqual({ rows: [], total: null });
  });
});

describe('buildAgentStates', () => {
  it('gives each state its count and share of the agents logged in', () => {
    const { loggedIn, states } = buildAgentStates(
      agentStates({ logged_in: 80, ready: 20, talking: 40, after_call_work: 12, away: 8 }),
      'zh-CN',
    );
    expect(loggedIn).toBe(80);
    expect(states.map((s) => [s.label, s.count, s.share])).toEqual([
      ['空闲坐席', 20, 0.25],
      ['通话中坐席', 40, 0.5],
      ['话后整理坐席', 12, 0.15],
      ['小休坐席', 8, 0.1],
    ]);
  });
  it('has no share with nobody logged in or without figures', () => {
    expect(buildAgentStates(agentStates({ logged_in: 0, ready: 0 }), 'zh-CN').states[0]!.share).toBeNull();
    expect(buildAgentStates(undefined, 'zh-CN')).toMatchObject({ loggedIn: null, states: [{ count: null, share: null }, {}, {}, {}] });
  });
});

describe('alerts', () => {
  const a = (id: string, severity: WallAlert['severity'], firedAt: string): WallAlert => ({
    id,
    severity,
    title: id,
    titleEn: id,
    orgName: '昆明市',
    firedAt,
    condition: '',
    situationId: null,
  });
  it('sorts the most severe first, then the most recent', () => {
    const list = sortAlerts([
      a('y', 'yellow', '2026-11-30T01:00:00Z'),
      a('r1', 'red', '2026-11-30T01:00:00Z'),
      a('r2', 'red', '2026-11-30T02:00:00Z'),
      a('b', 'blue', '2026-11-30T03:00:00Z'),
    ]);
    expect(list.map((x) => x.id)).toEqual(['r2', 'r1', 'y', 'b']);
    expect(sortAlerts(undefined)).toEqual([]);
  });
  it('uses the alert center colours (红/橙/黄/蓝)', () => {
    expect(severityVars('red')['--sev']).toBe('#f5222d');
    expect(severityVars('orange')['--sev']).toBe('#fa8c16');
  });
});

describe('freshness', () => {
  it('shows late sources first, the longest lag first', () => {
    const rows = sortFreshness([
      { source: 'cti.calls', ok: true, lagSeconds: 30, lastSuccessAt: '2026-11-30T06:00:00Z' },
      { source: 'billing.bills', ok: false, lagSeconds: 7200, lastSuccessAt: '2026-11-30T04:00:00Z' },
      { source: 'workorder.orders', ok: false, lagSeconds: null, lastSuccessAt: null },
    ]);
    expect(rows.map((r) => r.source)).toEqual(['workorder.orders', 'billing.bills', 'cti.calls']);
    expect(sourceName('cti.calls', 'zh-CN')).toBe('95598 CTI·话单');
    expect(sourceName('x.unknown', 'en')).toBe('x.unknown');
  });
});

describe('buildAchievements', () => {
  it('shows this year’s aggregates with the change on last year, and — where a figure is missing', () => {
    const data = panelData([
      result('ach', [
        series('call.connection_rate', [point('53', 0.9712, { compare: { yoy: 0.962 } })]),
        series('queue.called', [point('53', 1_234_567, { compare: { yoy: null } })]),
      ]),
    ]);
    const items = buildAchievements(data, 'zh-CN', zh);
    expect(items.find((x) => x.kpi === 'call.connection_rate')).toMatchObject({ value: '97.1', unit: '%', yoy: { tone: 'good' } });
    expect(items.find((x) => x.kpi === 'queue.called')).toMatchObject({ label: '营业厅服务客户', value: '1,234,567', yoy: null });
    expect(items.find((x) => x.kpi === 'queue.satisfaction')).toMatchObject({ value: '—', unit: '' });
    expect(periodLabel(undefined, zh)).toBe('本年累计');
  });
});

describe('shortOrgName', () => {
  it('shortens each part of an org path', () => {
    expect(shortOrgName('大理白族自治州 宾川县')).toBe('大理州 宾川县');
    expect(shortOrgName('云南省')).toBe('云南省');
  });
});
