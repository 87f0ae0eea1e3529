'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, type CSSProperties } from 'react';
import { useLocale } from '../../_i18n/LocaleProvider';
import { AlertBanner, useAlertBanners } from './AlertBanner';
import type { WallLayoutView } from './types';
import { restoreZoneData, useCanvasUnit, useHeapWatchdog, useServerNow, useWallLive, type ScaleMode } from './wall-hooks';
import { ZoneView } from './ZoneView';
import styles from './wall.module.css';

/**
 * A wall screen: the whole canvas (every zone at its place) or one zone on a screen of its own. Sized in
 * canvas pixels times the unit (see useCanvasUnit), live by server push, with the heap watchdog.
 */
export function WallScreen({ initial, zoneId, mode }: { initial: WallLayoutView; zoneId?: string; mode: ScaleMode }) {
  const qc = useQueryClient();
  // After a watchdog reload, the data that was on screen comes back before the first answer.
  useState(() => typeof window !== 'undefined' && restoreZoneData(qc));
  useHeapWatchdog(qc);
  const locale = useLocale();
  const alertBanners = useAlertBanners();
  const { view, controls, offset, connection } = useWallLive(initial, alertBanners.push);
  const layout = view.layout;
  const single = zoneId ? layout.zones.find((z) => z.id === zoneId) : undefined;
  const box = single ? { w: single.rect.w, h: single.rect.h } : { w: layout.canvas.width, h: layout.canvas.height };
  const unit = useCanvasUnit(box.w, box.h, mode);
  const now = useServerNow(offset);
  if (unit === null) return <div className={styles.blank} />;
  const zones = single ? [single] : zoneId ? [] : layout.zones;
  const style = { '--u': `${unit}px`, width: `${box.w * unit}px`, height: `${box.h * unit}px` } as CSSProperties;
  return (
    <div className={styles.viewport}>
      <div
        className={styles.screen}
        style={style}
        data-testid="wall-screen"
        data-layout={layout.id}
        data-version={view.version}
        data-unit={unit}
        data-connection={connection}
      >
        {zones.map((z) => (
          <ZoneView
            key={z.id}
            layoutId={layout.id}
            zone={z}
            control={controls[z.id] ?? { scene: null, pinned: null, paused: false, index: 0, since: 0, updatedBy: null, updatedAt: null }}
            catalog={view.catalog}
            now={now}
            locale={locale}
            connection={connection}
            at={single ? { x: 0, y: 0 } : { x: z.rect.x, y: z.rect.y }}
          />
        ))}
        <AlertBanner banners={alertBanners.banners} locale={locale} />
      </div>
    </div>
  );
}
