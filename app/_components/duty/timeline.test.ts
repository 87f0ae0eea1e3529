import { describe, expect, it } from 'vitest';
import { attemptOutcomes, figureText, messageStatus, timelineRows, viaOf } from './timeline';

const step = (at: string, from: string | null, to: string, via = 'desk', note: string | null = null) => ({
  at,
  from,
  to,
  via,
  note,
  actor: 'zhang',
});

describe('timeline rows', () => {
  it('orders oldest first, keeps equal times in arrival order, and heads each Beijing day', () => {
    const rows = timelineRows([
      step('2026-12-05T16:30:00Z', 'acknowledged', 'handled'),
      step('2026-12-05T15:00:00Z', null, 'raised', 'system'),
      step('2026-12-05T15:10:00Z', 'raised', 'acknowledged', 'link'),
      step('2026-12-05T15:10:00Z', 'acknowledged', 'assigned', 'desk', '→ li'),
    ]);
    expect(rows.map((r) => r.to)).toEqual(['raised', 'acknowledged', 'assigned', 'handled']);
    // 15:00 UTC is 23:00 Beijing on 12-05; 16:30 UTC is 00:30 on 12-06.
    expect(rows.map((r) => r.dayHeader)).toEqual(['12-05', null, null, '12-06']);
    expect(rows.map((r) => r.time)).toEqual(['23:00', '23:10', '23:10', '00:30']);
    expect(rows[1]!.via).toBe('link');
    expect(rows[2]!.note).toBe('→ li');
  });
  it('reads an unknown channel of action as system', () => expect(viaOf('robot')).toBe('system'));
});

describe('messages', () => {
  it('maps delivery states to 已发送 / 等待 / 失败', () => {
    expect(['sent', 'pending', 'deferred', 'sending', 'failed'].map(messageStatus)).toEqual([
      'sent',
      'waiting',
      'waiting',
      'waiting',
      'failed',
    ]);
  });
  it('lists attempt outcomes oldest first', () => {
    expect(
      attemptOutcomes([
        { at: '2026-12-05T10:02:00Z', outcome: 'sent' },
        { at: '2026-12-05T10:00:00Z', outcome: 'error' },
      ]),
    ).toEqual(['error', 'sent']);
  });
  it('shows figures readably', () => {
    expect(figureText(12.3456)).toBe('12.35');
    expect(figureText(3)).toBe('3');
    expect(figureText(null)).toBe('—');
    expect(figureText({ a: 1 })).toBe('{"a":1}');
  });
});
