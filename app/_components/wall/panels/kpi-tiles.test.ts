import { describe, expect, it } from 'vitest';
import { panelSchema } from '@/server/wall/layout';
import { createTranslator } from '../../../_i18n/locale';
import { buildTiles, tileGrid } from './kpi-tiles';
import { panelData, point, result, series } from './test-data';

const zh = createTranslator('zh-CN');
const panel = panelSchema.parse({
  id: 'tiles',
  type: 'kpi_tiles',
  params: { kpis: ['call.loss_rate', 'queue.tickets', 'call.agents_ready'] },
});

describe('buildTiles', () => {
  const data = panelData([
    result('tiles', [
      series('queue.tickets', [point('53', 5230, { compare: { previous: 5000 } })]),
      series('call.loss_rate', [point('53', 0.062, { status: 'warn', compare: { previous: 0.05 } })]),
    ]),
    result('tiles@53', [series('call.agents_ready', [point('53', null)])]),
  ]);
  it('keeps the order of params.kpis, with status, value, unit and the move on the previous period', () => {
    const tiles = buildTiles(panel, data, 'zh-CN', zh);
    expect(tiles.map((x) => x.kpi)).toEqual(['call.loss_rate', 'queue.tickets', 'call.agents_ready']);
    expect(tiles[0]).toMatchObject({ label: '呼损率', value: '6.2', unit: '%', status: 'warn', previous: '5.0%' });
    expect(tiles[0]!.trend).toMatchObject({ dir: 'up', tone: 'bad' });
    expect(tiles[1]).toMatchObject({ value: '5,230', unit: '', status: 'none' });
  });
  it('says whether a KPI has a previous period at all (a snapshot has none: no "环比 —" line)', () => {
    const tiles = buildTiles(panel, data, 'zh-CN', zh);
    expect(tiles.map((x) => x.compared)).toEqual([true, true, false]);
  });
  it('shows — for a KPI without a figure and for a panel without data, never 0', () => {
    expect(buildTiles(panel, data, 'zh-CN', zh)[2]).toMatchObject({ value: '—', trend: null });
    const empty = buildTiles(panel, undefined, 'zh-CN', zh);
    expect(empty.map((x) => x.kpi)).toEqual(['call.loss_rate', 'queue.tickets', 'call.agents_ready']); // a tile per KPI, still
    for (const tile of empty) expect(tile).toMatchObject({ value: '—', previous: '—', status: 'none' });
  });
});

describe('tileGrid', () => {
  it('lays tiles out close to 1.6:1 without an empty row', () => {
    expect(tileGrid(6, 16 / 9)).toEqual({ cols: 3, rows: 2 });
    expect(tileGrid(4, 4)).toEqual({ cols: 4, rows: 1 });
    expect(tileGrid(5, 1)).toEqual({ cols: 2, rows: 3 });
    expect(tileGrid(0, 1)).toEqual({ cols: 1, rows: 1 });
    for (let n = 1; n <= 12; n++) {
      const g = tileGrid(n, 16 / 9);
      expect(g.cols * g.rows).toBeGreaterThanOrEqual(n);
      expect(g.cols * (g.rows - 1)).toBeLessThan(n);
    }
  });
});
