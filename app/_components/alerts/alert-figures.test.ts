import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../_i18n/locale';
import { alertFigures, formatShortDateTime, formatValue } from './alert-figures';

const zh = createTranslator('zh-CN');
const en = createTranslator('en');
const unitOf = (kpi: string) => ({ 'call.loss_rate': 'percent', 'queue.longest_wait_now': 'minutes', 'call.inbound': 'count' })[kpi];
const drill = (kpi: string) => ({ kind: 'kpi', kpi, orgCode: '5301', time: { preset: 'today' }, filters: {} });

describe('alert figures', () => {
  it('shows a percent KPI and its threshold as percent, with the comparator', () => {
    const f = alertFigures(
      {
        kind: 'threshold',
        condition: 'breach',
        value: 0.123,
        figures: { value: 0.123, count: 240, threshold: 0.1, comparator: '>=' },
        drill: drill('call.loss_rate'),
      },
      { kind: 'threshold', kpi: 'call.loss_rate' },
      unitOf,
      zh,
    );
    expect(f.map((x) => [x.label, x.text])).toEqual([
      ['指标值', '12.3%'],
      ['阈值', '≥ 10%'],
      ['记录数', '240'],
    ]);
  });

  it('adds the graded value of a change rule as a ratio', () => {
    const f = alertFigures(
      {
        kind: 'change',
        condition: 'breach',
        value: 2.5,
        figures: { value: 50, base: 20, threshold: 2, comparator: '>=' },
        drill: drill('call.inbound'),
      },
      { kind: 'change', kpi: 'call.inbound' },
      unitOf,
      en,
    );
    expect(f.map((x) => `${x.label}=${x.text}`)).toEqual(['Value=50', 'Graded value=2.5×', 'Threshold=≥ 2×', 'Base=20']);
  });

  it('labels source codes and formats times in China Standard Time', () => {
    const f = alertFigures(
      {
        kind: 'time_limit',
        condition: 'breach',
        value: 0.8,
        figures: { share: 0.8, type: 'fault_repair', dueAt: '2026-11-30T15:17:00Z', status: 'weird' },
        drill: null,
      },
      { kind: 'time_limit', check: 'work_order_due' },
      unitOf,
      zh,
    );
    expect(Object.fromEntries(f.map((x) => [x.key, x.text]))).toEqual({
      share: '80%',
      type: '故障报修',
      dueAt: '11-30 23:17',
      status: 'weird',
    });
  });

  it('formats values per unit and says — for missing', () => {
    expect(formatValue(null, { unit: 'percent', scale: 100 }, zh)).toBe('—');
    expect(formatValue(32.25, { unit: 'minutes', scale: 1 }, zh)).toBe('32.3 分钟');
    expect(formatShortDateTime('nonsense')).toBe('—');
  });
});
