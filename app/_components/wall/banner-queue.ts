// The wall's alert banners: red alerts pushed on the wall's stream (event `banner`), newest first, at most
// three drawn (the rest counted), each for 60 s from when this screen heard it. Pure.

export interface WallBannerEvent {
  eventId: string;
  severity: string;
  orgCode: string;
  orgName: string;
  title: string;
  titleEn: string;
  /** When the alert changed (server ms). */
  at: number;
}

export interface WallBanner extends WallBannerEvent {
  /** When this screen stops showing it (local ms). */
  until: number;
}

export const BANNER_MS = 60_000;
/** Rows drawn at once; the rest of the live ones are counted under them. */
export const MAX_BANNERS = 3;
/** Live banners kept (a burst of red alerts counts them all, for a minute each). */
export const KEPT_BANNERS = 200;

/** The banner event from the stream's JSON, or null when it is not one. */
export function readBannerEvent(data: unknown): WallBannerEvent | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Partial<WallBannerEvent>;
  if (typeof d.eventId !== 'string' || !d.eventId || typeof d.title !== 'string') return null;
  return {
    eventId: d.eventId,
    severity: typeof d.severity === 'string' ? d.severity : 'red',
    orgCode: typeof d.orgCode === 'string' ? d.orgCode : '',
    orgName: typeof d.orgName === 'string' && d.orgName ? d.orgName : typeof d.orgCode === 'string' ? d.orgCode : '',
    title: d.title,
    titleEn: typeof d.titleEn === 'string' && d.titleEn ? d.titleEn : d.title,
    at: typeof d.at === 'number' && Number.isFinite(d.at) ? d.at : 0,
  };
}

/** The banners with `e` on top for 60 s from `now`; the same alert again restarts its 60 s and moves to the top. */
export function pushBanner(list: readonly WallBanner[], e: WallBannerEvent, now: number, max = KEPT_BANNERS): WallBanner[] {
  return [{ ...e, until: now + BANNER_MS }, ...list.filter((b) => b.eventId !== e.eventId && b.until > now)].slice(0, max);
}

/** The banners still showing at `now`; the same array when none went. */
export function liveBanners(list: readonly WallBanner[], now: number): readonly WallBanner[] {
  const kept = list.filter((b) => b.until > now);
  return kept.length === list.length ? list : kept;
}
