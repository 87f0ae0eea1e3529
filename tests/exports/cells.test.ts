import { describe, expect, it } from 'vitest';
import { parseLocal } from '@/core/time';
import { cellValue, contentDisposition, csvField, csvLine, guardFormula, localTime, safeFileName } from '@/server/exports/cells';

// The cell rules every export shares: Beijing time, numbers as numbers, RFC 4180 quoting, the formula guard.

const TZ = 'Asia/Shanghai';

describe('cell values', () => {
  it('writes instants as the Beijing wall clock to the second', () => {
    expect(localTime('2026-11-23T01:05:00.000Z', TZ)).toBe('2026-11-23 09:05:00');
    expect(localTime(parseLocal('2026-12-31 23:59:59', TZ)!, TZ)).toBe('2026-12-31 23:59:59');
    expect(cellValue('time', '2026-11-22T16:00:00.000Z', TZ)).toBe('2026-11-23 00:00:00');
    expect(cellValue('time', null, TZ)).toBeNull();
    expect(cellValue('time', 'not a time', TZ)).toBeNull();
  });

  it('keeps money and counts as numbers, dates as dates, text as text', () => {
    expect(cellValue('money', '120.50', TZ)).toBe(120.5);
    expect(cellValue('number', 7, TZ)).toBe(7);
    expect(cellValue('money', 'abc', TZ)).toBeNull();
    expect(cellValue('date', '2026-09-01', TZ)).toBe('2026-09-01');
    expect(cellValue('string', 530102, TZ)).toBe('530102');
  });
});

describe('CSV fields', () => {
  it('guards text a spreadsheet would run as a formula', () => {
    for (const s of ['=1+1', '+86 871', '-2', '@SUM(A1)', '\tx', '\rx']) expect(guardFormula(s)).toBe(`'${s}`);
    for (const s of ['昆明', '1=1', 'a-b', '']) expect(guardFormula(s)).toBe(s);
    expect(csvField('=HYPERLINK("http://evil","点我")')).toBe(`"'=HYPERLINK(""http://evil"",""点我"")"`);
    // Numbers are values, not text: a negative amount stays a number.
    expect(csvField(-12.5)).toBe('-12.5');
  });

  it('quotes per RFC 4180 and ends lines with CRLF', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', null, 3])).toBe('"a,b","say ""hi""","two\nlines",,3\r\n');
  });
});

describe('file names', () => {
  it('keeps Chinese, drops what file systems refuse, and sends both header forms', () => {
    expect(safeFileName('工单/明细:昆明市?')).toBe('工单_明细_昆明市_');
    const cd = contentDisposition('工单明细_昆明市_2026-12-06.xlsx');
    expect(cd).toContain(`filename*=UTF-8''${encodeURIComponent('工单明细_昆明市_2026-12-06.xlsx')}`);
    expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+"; /);
  });
});
