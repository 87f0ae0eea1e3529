import { describe, expect, it } from 'vitest';
import type { DefLite } from '@/app/_components/desktop/batch';
import {
  beijingTime,
  bucketLabel,
  definitionText,
  deltaTone,
  formatDelta,
  formatValue,
  formatWithUnit,
} from '@/app/_components/desktop/figures';
import { breadcrumb, effectiveOrg, parentOf, unitOptions } from '@/app/_components/desktop/org';
import { countsAgree, formatCell, nextSort, orgCell, pageCount } from '@/app/_components/records/records-format';

describe('figures', () => {
  it('writes values in their unit', () => {
    expect(formatWithUnit(0.9512, 'percent', 1, 'zh-CN')).toBe('95.1%');
    expect(formatWithUnit(1234567.8, 'yuan', 2, 'zh-CN')).toBe('123.5 万元');
    expect(formatWithUnit(812.4, 'yuan', 2, 'en')).toBe('812 CNY');
    expect(formatWithUnit(12.345, 'minutes', 1, 'zh-CN')).toBe('12.3 分钟');
    expect(formatValue(12345, 'count', 0)).toBe('12,345');
    expect(formatValue(null, 'count', 0)).toBe('—');
  });

  it('compares in points for rates and in percent for the rest', () => {
    expect(formatDelta(0.95, 0.9, 'percent')).toBe('+5.0pp');
    expect(formatDelta(90, 100, 'count')).toBe('-10.0%');
    expect(formatDelta(5, 0, 'count')).toBeNull();
    expect(formatDelta(5, null, 'count')).toBeNull();
    expect(deltaTone(0.95, 0.9, 'higher_better')).toBe('good');
    expect(deltaTone(30, 20, 'lower_better')).toBe('bad');
    expect(deltaTone(30, 20, 'neutral')).toBe('flat');
  });

  it('explains a KPI with its formula, unit and thresholds', () => {
    const def = {
      id: 'call.loss_rate',
      name: { zh: '呼损率', en: 'Call-loss rate' },
      formula: { zh: '(人工 − 接通) / 人工', en: '(manual − answered) / manual' },
      unit: 'percent',
      direction: 'lower_better',
      thresholds: { warn: 0.05, alarm: 0.1 },
    } as unknown as DefLite;
    expect(definitionText(def, 'zh-CN')).toBe('呼损率\n公式: (人工 − 接通) / 人工\n单位: %\n阈值: 预警 > 5%，告警 > 10%');
    expect(definitionText({ ...def, thresholds: null }, 'en')).toContain('Thresholds: none');
  });

  it('shows times in Beijing time', () => {
    expect(beijingTime('2026-12-05T16:30:05.000Z')).toBe('2026-12-06 00:30:05');
    expect(beijingTime(null)).toBe('—');
    expect(bucketLabel('2026-12-05T16:00:00.000Z', 'day')).toBe('12-06');
    expect(formatCell('2026-12-06T02:00:00.000Z', 'time')).toBe('2026-12-06 10:00:00');
    expect(formatCell(1234.5, 'money')).toBe('1,234.50');
    expect(formatCell(null, 'string')).toBe('—');
  });
});

describe('records table helpers', () => {
  it('names the unit of an org-code column and leaves other columns and unknown codes alone', () => {
    expect(orgCell('county_code', '530102')).toBe('五华区');
    expect(orgCell('city_code', '5303')).toBe('曲靖市');
    expect(orgCell('county_code', '539999')).toBeNull();
    expect(orgCell('order_id', '530102')).toBeNull();
    expect(orgCell('county_code', null)).toBeNull();
  });

  it('pages, sorts and checks the total against the figure', () => {
    expect(pageCount(0, 100)).toBe(1);
    expect(pageCount(201, 100)).toBe(3);
    expect(nextSort(null, 'ivr_at')).toEqual({ column: 'ivr_at', dir: 'asc' });
    expect(nextSort({ column: 'ivr_at', dir: 'asc' }, 'ivr_at')).toEqual({ column: 'ivr_at', dir: 'desc' });
    expect(nextSort({ column: 'ivr_at', dir: 'desc' }, 'ivr_at')).toBeNull();
    expect(nextSort({ column: 'ivr_at', dir: 'desc' }, 'call_id')).toEqual({ column: 'call_id', dir: 'asc' });
    expect(countsAgree(17, 17)).toBe(true);
    expect(countsAgree(16, 17)).toBe(false);
    expect(countsAgree(16, null)).toBeNull();
  });
});

describe('org tree in scope', () => {
  it('walks from the user node down', () => {
    expect(breadcrumb('530102', '53')).toEqual(['53', '5301', '530102']);
    expect(breadcrumb('530102001', '5301')).toEqual(['5301', '530102', '530102001']);
    expect(parentOf('5301', '53')).toBe('53');
    expect(parentOf('5301', '5301')).toBeNull();
  });

  it('offers only units in scope', () => {
    const kunming = unitOptions('5301');
    expect(kunming[0]).toMatchObject({ code: '5301', depth: 1 });
    expect(kunming.every((o) => o.code.startsWith('5301'))).toBe(true);
    expect(kunming.length).toBeGreaterThan(5);
    const province = unitOptions('53');
    expect(province.filter((o) => o.depth === 1)).toHaveLength(16);
    expect(effectiveOrg('5303', '5301')).toBe('5301');
    expect(effectiveOrg('530102', '5301')).toBe('530102');
    expect(effectiveOrg(null, '5301')).toBe('5301');
  });
});

describe('dimension values in words', () => {
  it('uses the dashboard dictionary, then the shared code names, else the code', async () => {
    const { createTranslator } = await import('@/app/_i18n/locale');
    const { dimValueLabel } = await import('@/app/_components/desktop/labels');
    const zh = createTranslator('zh-CN');
    expect(dimValueLabel(zh, 'age', 'd0_30')).toBe('30天内');
    expect(dimValueLabel(zh, 'outage_type', 'planned')).not.toBe('planned');
    expect(dimValueLabel(zh, 'skill_group', 'SG-unknown')).toBe('SG-unknown');
    expect(dimValueLabel(createTranslator('en'), 'important', '1')).toBe('Important');
  });
});
