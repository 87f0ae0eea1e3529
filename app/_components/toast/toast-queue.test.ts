import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  expireToasts,
  extendToasts,
  MAX_TOASTS,
  nextExpiry,
  pushToast,
  toastFromEvent,
  toastsAllowedOn,
  TOAST_MS,
  type Toast,
} from './toast-queue';

const ev = (over: Record<string, unknown> = {}) => ({
  type: 'alert',
  eventId: 'e1',
  change: 'fired',
  severity: 'orange',
  orgCode: '5301',
  orgName: '昆明市',
  title: '排队超时',
  titleEn: 'Queue overtime',
  phase: 'raised',
  banner: false,
  at: 1_000,
  ...over,
});

const toast = (id: string, severity: Toast['severity'], now = 0): Toast => toastFromEvent(ev({ eventId: id, severity }), now)!;

describe('toastFromEvent', () => {
  it('makes a toast for fired and escalated alerts only', () => {
    expect(toastFromEvent(ev(), 0)?.key).toBe('e1:fired');
    expect(toastFromEvent(ev({ change: 'escalated' }), 0)?.change).toBe('escalated');
    for (const change of ['recovered', 'severity', 'phase:acknowledged', 'notified']) expect(toastFromEvent(ev({ change }), 0)).toBeNull();
    expect(toastFromEvent({ type: 'heartbeat' }, 0)).toBeNull();
    expect(toastFromEvent(null, 0)).toBeNull();
    expect(toastFromEvent(ev({ severity: 'purple' }), 0)).toBeNull();
  });

  it('red stays until closed, the others go after 12 s', () => {
    expect(toastFromEvent(ev({ severity: 'red' }), 5)!.expiresAt).toBeNull();
    expect(toastFromEvent(ev({ severity: 'yellow' }), 5)!.expiresAt).toBe(5 + TOAST_MS);
  });

  it('falls back to the org code and the Chinese title', () => {
    const t = toastFromEvent(ev({ orgName: '', titleEn: '' }), 0)!;
    expect(t.orgName).toBe('5301');
    expect(t.titleEn).toBe('排队超时');
  });
});

describe('pushToast', () => {
  it('puts the newest first and keeps at most four', () => {
    let list: Toast[] = [];
    for (const id of ['a', 'b', 'c', 'd', 'e']) list = pushToast(list, toast(id, 'orange'));
    expect(list.map((t) => t.eventId)).toEqual(['e', 'd', 'c', 'b']);
    expect(list).toHaveLength(MAX_TOASTS);
  });

  it('drops the oldest non-red toast before any red one', () => {
    let list: Toast[] = [];
    list = pushToast(list, toast('r1', 'red'));
    list = pushToast(list, toast('y1', 'yellow'));
    list = pushToast(list, toast('r2', 'red'));
    list = pushToast(list, toast('r3', 'red'));
    list = pushToast(list, toast('r4', 'red'));
    expect(list.map((t) => t.eventId)).toEqual(['r4', 'r3', 'r2', 'r1']);
    list = pushToast(list, toast('r5', 'red'));
    expect(list.map((t) => t.eventId)).toEqual(['r5', 'r4', 'r3', 'r2']);
  });

  it('replaces the toast of the same alert', () => {
    let list = pushToast([], toast('a', 'orange'));
    list = pushToast(list, toast('b', 'orange'));
    list = pushToast(list, toastFromEvent(ev({ eventId: 'a', change: 'escalated' }), 0)!);
    expect(list.map((t) => t.key)).toEqual(['a:escalated', 'b:fired']);
  });
});

describe('expiry', () => {
  it('removes expired toasts and keeps red ones', () => {
    const list = [toast('a', 'red', 0), toast('b', 'blue', 0), toast('c', 'blue', 5_000)];
    expect(expireToasts(list, TOAST_MS - 1)).toBe(list);
    expect(expireToasts(list, TOAST_MS).map((t) => t.eventId)).toEqual(['a', 'c']);
    expect(nextExpiry(list)).toBe(TOAST_MS);
    expect(nextExpiry([toast('a', 'red')])).toBeNull();
  });
});

describe('backoffMs', () => {
  it('doubles from 1 s and stops at 60 s', () => {
    const mid = () => 0.5;
    expect(backoffMs(0, mid)).toBe(1000);
    expect(backoffMs(3, mid)).toBe(8000);
    expect(backoffMs(10, mid)).toBe(60_000);
    expect(backoffMs(1000, mid)).toBe(60_000);
    expect(backoffMs(0, () => 0)).toBe(800);
    expect(backoffMs(0, () => 1)).toBe(1200);
  });
});

describe('toastsAllowedOn', () => {
  it('excludes the wall and the acknowledgement pages', () => {
    expect(toastsAllowedOn('/')).toBe(true);
    expect(toastsAllowedOn('/admin/duty')).toBe(true);
    expect(toastsAllowedOn('/wallpaper')).toBe(true);
    expect(toastsAllowedOn('/wall/main')).toBe(false);
    expect(toastsAllowedOn('/wall')).toBe(false);
    expect(toastsAllowedOn('/ack/abc')).toBe(false);
  });
});

describe('extendToasts', () => {
  it('gives held toasts a few more seconds, never shortens and leaves red alone', () => {
    const list = [toast('a', 'red', 0), toast('b', 'blue', 0), toast('c', 'blue', 100_000)];
    const out = extendToasts(list, 20_000, 4_000);
    expect(out.map((t) => t.expiresAt)).toEqual([null, 24_000, 100_000 + TOAST_MS]);
    expect(extendToasts(out, 20_000, 4_000)).toBe(out);
  });
});
