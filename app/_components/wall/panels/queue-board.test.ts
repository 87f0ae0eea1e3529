import { describe, expect, it } from 'vitest';
import { buildQueueBoard, rowsThatFit } from './queue-board';
import { panelData, point, result, series } from './test-data';

const hall = (code: string, name: string) => ({ orgName: name, orgCode: code });

describe('buildQueueBoard', () => {
  const data = panelData([
    result(
      'q',
      [
        series('queue.length', [
          point('530102001', 4, { ...hall('530102001', '五华营业厅'), status: 'ok' }),
          point('530102002', 18, { ...hall('530102002', '西站营业厅'), status: 'warn' }),
          point('530103001', 2, { ...hall('530103001', '盘龙营业厅'), status: 'ok' }),
          point('530103002', null, { ...hall('530103002', '新区营业厅') }),
        ]),
        series('queue.longest_wait_now', [
          point('530102001', 12, { status: 'ok' }),
          point('530102002', 22, { status: 'warn' }),
          point('530103001', 41, { status: 'alarm' }),
          point('530103002', null),
        ]),
        series('queue.avg_wait', [point('530102001', 8.2, { status: 'ok' })]),
      ],
      { by: 'hall' },
    ),
  ]);

  it('puts alarms first, then warnings, then the longest wait; missing halls last', () => {
    const b = buildQueueBoard(data);
    expect(b.rows.map((r) => r.code)).toEqual(['530103001', '530102002', '530102001', '530103002']);
    expect(b.rows[0]).toMatchObject({ name: '盘龙营业厅', status: 'alarm', queueStatus: 'ok', waitStatus: 'alarm' });
  });

  it('sums the people waiting over the halls that reported, and counts warnings and alarms', () => {
    expect(buildQueueBoard(data)).toMatchObject({ halls: 4, waiting: 24, warn: 1, alarm: 1 });
  });

  it('keeps missing figures missing (null), not 0', () => {
    const last = buildQueueBoard(data).rows[3]!;
    expect(last).toMatchObject({ queue: null, longestWait: null, avgWait: null, status: 'none' });
    expect(buildQueueBoard(undefined)).toMatchObject({ halls: 0, waiting: null });
  });

  it('fits rows to the height', () => {
    expect(rowsThatFit(1000)).toBe(15);
    expect(rowsThatFit(100)).toBe(4);
    expect(rowsThatFit(undefined)).toBe(10);
  });
});
