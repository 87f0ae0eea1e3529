import { describe, expect, it } from 'vitest';
import { drillCell, formatDrillTime } from './drill-cell';

describe('drill row cells', () => {
  it('shows an instant in Beijing time whatever zone it is written in', () => {
    expect(formatDrillTime('2026-11-23T01:05:00.000Z')).toBe('2026-11-23 09:05:00');
    expect(formatDrillTime('2026-11-23T09:05:00+08:00')).toBe('2026-11-23 09:05:00');
    // Across midnight: 17:30 UTC is the next day in Beijing.
    expect(drillCell('2026-11-22T17:30:00Z', 'time')).toBe('2026-11-23 01:30:00');
  });

  it('reads a zone-less ClickHouse time as UTC, not as the browser’s local time', () => {
    expect(drillCell('2026-11-23 01:05:00.000', 'time')).toBe('2026-11-23 09:05:00');
  });

  it('shows none and never (a zero DateTime) as —', () => {
    expect(drillCell(null, 'time')).toBe('—');
    expect(drillCell('1970-01-01T00:00:00.000Z', 'time')).toBe('—');
    expect(drillCell('1970-01-01 00:00:00', 'time')).toBe('—');
  });

  it('keeps the other cells as before', () => {
    expect(drillCell('530102', 'string')).toBe('530102');
    expect(drillCell(12.345, 'money')).toBe('12.35');
    expect(drillCell(3, 'number')).toBe('3');
    expect(drillCell('', 'string')).toBe('—');
  });
});
