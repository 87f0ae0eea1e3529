import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../_i18n/locale';
import { STATUS_COLORS } from '../../charts/palette';
import { MISSING } from '../../charts/queue-options';
import { chartSizes } from './chart-scale';
import { ARREARS_SPEC, buildOrgBarsOption, orgRows, WORK_ORDER_SPEC } from './org-bars-options';
import { panelData, point, result, series } from './test-data';

const zh = createTranslator('zh-CN');
const city = (code: string, name: string, v: number | null, over = {}) => point(code, v, { orgName: name, ...over });

describe('orgRows + buildOrgBarsOption', () => {
  const data = panelData([
    result(
      'arrears',
      [
        series('arrears.amount', [
          city('5301', '昆明市', 3_200_000),
          city('5325', '红河哈尼族彝族自治州', null),
          city('5303', '曲靖市', 5_100_000),
        ]),
        series('arrears.recovery_rate', [
          city('5301', '昆明市', 0.991, { status: 'ok' }),
          city('5303', '曲靖市', 0.94, { status: 'alarm' }),
        ]),
      ],
      { by: 'city' },
    ),
  ]);
  it('sorts cities by arrears, largest first, those without a figure last', () => {
    expect(orgRows(data, ARREARS_SPEC).map((r) => r.code)).toEqual(['5303', '5301', '5325']);
  });
  it('scales money for the axis, keeps a missing figure a gap and colours rates by status', () => {
    const spec = { ...ARREARS_SPEC, barScale: { divisor: 1e4, unit: '万元' } };
    const opt = buildOrgBarsOption(orgRows(data, spec), spec, chartSizes(1), 'zh-CN', zh);
    const s = opt.series as { data: unknown[] }[];
    expect(s[0]!.data).toEqual([510, 320, MISSING]);
    expect(s[1]!.data[0]).toEqual({ value: 94, itemStyle: { color: STATUS_COLORS.alarm } });
    expect(s[1]!.data[2]).toEqual({ value: MISSING });
    expect((opt.xAxis as { data: string[] }).data).toEqual(['曲靖市', '昆明市', '红河州']);
  });
  it('stacks overdue and near-due orders', () => {
    const wo = panelData([
      result('wo', [series('wo.overdue', [city('5301', '昆明市', 2)]), series('wo.near_due', [city('5301', '昆明市', 5)])], { by: 'city' }),
    ]);
    const opt = buildOrgBarsOption(orgRows(wo, WORK_ORDER_SPEC), WORK_ORDER_SPEC, chartSizes(1), 'zh-CN', zh);
    const s = opt.series as { stack?: string; data: unknown[] }[];
    expect(s.slice(0, 2).map((x) => [x.stack, x.data])).toEqual([
      ['bars', [2]],
      ['bars', [5]],
    ]);
  });
});
