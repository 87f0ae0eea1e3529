import { describe, expect, it } from 'vitest';
import { parseDutyEvent, shouldRing } from './red-alert';

const ev = (change: string, severity = 'red', eventId = 'e1') => ({ eventId, change, severity, title: 't' });

describe('red alert notice', () => {
  it('rings once for a fired red alert', () => {
    const rung = new Set<string>();
    expect(shouldRing(ev('fired'), false, rung)).toBe(true);
    expect(shouldRing(ev('fired'), false, rung)).toBe(false);
  });
  it('stays quiet when muted, for other severities and other changes', () => {
    expect(shouldRing(ev('fired'), true, new Set())).toBe(false);
    expect(shouldRing(ev('fired', 'orange'), false, new Set())).toBe(false);
    expect(shouldRing(ev('phase:acknowledged'), false, new Set())).toBe(false);
  });
  it('parses SSE payloads and refuses others', () => {
    expect(parseDutyEvent(JSON.stringify({ type: 'alert', ...ev('fired') }))?.eventId).toBe('e1');
    expect(parseDutyEvent('{"serverNow":1}')).toBeNull();
    expect(parseDutyEvent('not json')).toBeNull();
  });
});
