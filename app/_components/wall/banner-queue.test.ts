import { describe, expect, it } from 'vitest';
import { BANNER_MS, MAX_BANNERS, liveBanners, pushBanner, readBannerEvent, type WallBanner } from './banner-queue';

const ev = (eventId: string) => ({
  eventId,
  severity: 'red',
  orgCode: '5301',
  orgName: '昆明市',
  title: `告警 ${eventId}`,
  titleEn: `Alert ${eventId}`,
  at: 1,
});

describe('readBannerEvent', () => {
  it('reads the stream payload and rejects anything else', () => {
    expect(readBannerEvent(ev('a'))?.eventId).toBe('a');
    expect(readBannerEvent({ eventId: 'a' })).toBeNull();
    expect(readBannerEvent('x')).toBeNull();
    expect(readBannerEvent({ ...ev('a'), titleEn: '', orgName: '' })).toMatchObject({ titleEn: '告警 a', orgName: '5301' });
  });
});

describe('pushBanner / liveBanners', () => {
  it('keeps the newest first, every live one of a burst (the wall draws three and counts the rest)', () => {
    let list: WallBanner[] = [];
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) list = pushBanner(list, ev(id), i * 1000);
    expect(list.map((b) => b.eventId)).toEqual(['d', 'c', 'b', 'a']);
    expect(list.slice(0, MAX_BANNERS).map((b) => b.eventId)).toEqual(['d', 'c', 'b']);
    expect(pushBanner(list, ev('e'), 5000, 2).map((b) => b.eventId)).toEqual(['e', 'd']);
  });

  it('shows each for 60 s', () => {
    let list = pushBanner([], ev('a'), 0);
    list = pushBanner(list, ev('b'), 30_000);
    expect(liveBanners(list, BANNER_MS - 1)).toBe(list);
    expect(liveBanners(list, BANNER_MS).map((b) => b.eventId)).toEqual(['b']);
    expect(liveBanners(list, 30_000 + BANNER_MS)).toEqual([]);
  });

  it('the same alert again moves up and restarts its time, and expired ones are dropped on push', () => {
    let list = pushBanner([], ev('a'), 0);
    list = pushBanner(list, ev('b'), 1000);
    list = pushBanner(list, ev('a'), 2000);
    expect(list.map((b) => [b.eventId, b.until])).toEqual([
      ['a', 2000 + BANNER_MS],
      ['b', 1000 + BANNER_MS],
    ]);
    expect(pushBanner(list, ev('c'), 1000 + BANNER_MS).map((b) => b.eventId)).toEqual(['c', 'a']);
  });
});
