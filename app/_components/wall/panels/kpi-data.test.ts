import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../_i18n/locale';
import { findSeries, formatFigure, formatFigureText, formatYuan, rankPoints, trendOf } from './kpi-data';
import { panelData, point, result, series } from './test-data';

const zh = createTranslator('zh-CN');
const en = createTranslator('en');

describe('findSeries', () => {
  const data = panelData([
    result('p1', [series('outage.events', [point('5301', 3)])], { by: 'city' }),
    result('p1:total', [series('outage.events', [point('53', 9)])]),
  ]);
  it('reads the break-down by default and the total by its key suffix', () => {
    expect(findSeries(data, 'outage.events')?.points[0]?.value).toBe(3);
    expect(findSeries(data, 'outage.events', ':total')?.points[0]?.value).toBe(9);
  });
  it('gives null for a KPI the data does not have, or no data at all', () => {
    expect(findSeries(data, 'call.inbound')).toBeNull();
    expect(findSeries(undefined, 'outage.events')).toBeNull();
  });
});

describe('formatFigure', () => {
  it('shows percent KPIs (fractions) as %, minutes and seconds with their units', () => {
    expect(formatFigure('call.loss_rate', 0.0426, 'zh-CN', zh)).toEqual({ value: '4.3', unit: '%' });
    expect(formatFigure('queue.avg_wait', 12.34, 'zh-CN', zh)).toEqual({ value: '12.3', unit: '分钟' });
    expect(formatFigure('call.asa', 18.6, 'en', en)).toEqual({ value: '19', unit: 's' });
    expect(formatFigure('queue.tickets', 12345, 'zh-CN', zh)).toEqual({ value: '12,345', unit: '' });
  });
  it('shows a missing figure as — without a unit, never as 0', () => {
    expect(formatFigure('call.loss_rate', null, 'zh-CN', zh)).toEqual({ value: '—', unit: '' });
    expect(formatFigureText('queue.avg_wait', undefined, 'zh-CN', zh)).toBe('—');
    expect(formatFigureText('queue.tickets', 0, 'zh-CN', zh)).toBe('0');
  });
  it('shows money in 万元 / 亿元 (Chinese) and ¥K / ¥M (English)', () => {
    expect(formatYuan(123_456_789, 'zh-CN')).toEqual({ value: '1.23', unit: '亿元' });
    expect(formatYuan(56_700, 'zh-CN')).toEqual({ value: '5.7', unit: '万元' });
    expect(formatYuan(980, 'zh-CN')).toEqual({ value: '980', unit: '元' });
    expect(formatFigureText('arrears.amount', 2_500_000, 'en', en)).toBe('¥2.50M');
  });
});

describe('trendOf', () => {
  it('gives percentage points for rates and colours by the KPI direction', () => {
    const up = trendOf('call.loss_rate', 0.06, 0.05, 'zh-CN', zh)!;
    expect(up).toMatchObject({ dir: 'up', tone: 'bad' });
    expect(up.text).toBe('▲ 1.0 个百分点');
    expect(trendOf('call.connection_rate', 0.96, 0.95, 'en', en)).toMatchObject({ dir: 'up', tone: 'good', text: '▲ 1.0 pp' });
  });
  it('gives the relative change for volumes, neutral in tone', () => {
    expect(trendOf('call.inbound', 1100, 1000, 'zh-CN', zh)).toEqual({ dir: 'up', tone: 'neutral', text: '▲ 10.0%' });
    expect(trendOf('queue.avg_wait', 9, 12, 'zh-CN', zh)).toMatchObject({ dir: 'down', tone: 'good', text: '▼ 25.0%' });
  });
  it('falls back to the absolute change from 0, says flat for no change, and makes nothing up', () => {
    expect(trendOf('wo.overdue', 3, 0, 'zh-CN', zh)).toMatchObject({ dir: 'up', tone: 'bad', text: '▲ 3' });
    expect(trendOf('call.inbound', 5, 5, 'zh-CN', zh)).toMatchObject({ dir: 'flat', text: '持平' });
    expect(trendOf('call.inbound', 5, null, 'zh-CN', zh)).toBeNull();
    expect(trendOf('call.inbound', null, 5, 'zh-CN', zh)).toBeNull();
  });
});

describe('rankPoints', () => {
  const pts = [point('a', 0.9), point('b', null), point('c', 0.99), point('d', 0.95)];
  it('puts the best first by direction, missing values last', () => {
    expect(rankPoints('call.connection_rate', pts).map((p) => p.orgCode)).toEqual(['c', 'd', 'a', 'b']);
    expect(rankPoints('call.loss_rate', pts).map((p) => p.orgCode)).toEqual(['a', 'd', 'c', 'b']);
  });
});

describe('trendOf from 0', () => {
  it('makes no comparison for a volume from 0 (no history yet), only for KPIs with a direction', () => {
    expect(trendOf('call.inbound', 52_359, 0, 'zh-CN', zh)).toBeNull();
    expect(trendOf('wo.overdue', 2, 0, 'zh-CN', zh)).not.toBeNull();
  });
});
