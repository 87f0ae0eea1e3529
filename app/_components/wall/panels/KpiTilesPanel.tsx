'use client';

import { useMemo, useRef } from 'react';
import { createTranslator } from '../../../_i18n/locale';
import { TREND_COLORS } from './kpi-data';
import { buildTiles, tileGrid } from './kpi-tiles';
import styles from './panels.module.css';
import { cssVars, type PanelProps } from './types';
import { usePanelSize } from './usePanelSize';

/** kpi_tiles: headline figures, coloured by their thresholds, with the move against the previous period. */
export function KpiTilesPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const ref = useRef<HTMLDivElement>(null);
  const size = usePanelSize(ref);
  const tiles = useMemo(() => buildTiles(panel, data, locale, t), [panel, data, locale, t]);
  const { cols, rows } = tileGrid(tiles.length, size ? size.width / Math.max(1, size.height) : 16 / 9);
  return (
    <div ref={ref} className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="kpi_tiles">
      <div className={styles.tiles} style={cssVars({ '--cols': cols, '--rows': rows })}>
        {tiles.map((tile) => (
          <section
            key={tile.kpi}
            className={styles.tile}
            data-status={tile.status}
            data-kpi={tile.kpi}
            title={`${tile.label}\n${tile.formula}`}
          >
            <div className={styles.tileLabel}>
              {tile.label}
              {tile.period ? (
                <span className={styles.period} data-testid={`period-${tile.kpi}`}>
                  {' · '}
                  {tile.period}
                </span>
              ) : null}
            </div>
            <div className={styles.tileValueRow}>
              <span className={styles.tileValue} data-testid={`tile-${tile.kpi}`}>
                {tile.value}
              </span>
              {tile.unit ? <span className={styles.tileUnit}>{tile.unit}</span> : null}
            </div>
            {tile.compared ? (
              <div className={styles.tileTrend}>
                {tile.compareLabel} {tile.trend ? <b style={{ color: TREND_COLORS[tile.trend.tone] }}>{tile.trend.text}</b> : <b>—</b>}
                <span className={styles.muted}> · {tile.previous}</span>
              </div>
            ) : (
              <div className={styles.tileTrend} />
            )}
          </section>
        ))}
      </div>
    </div>
  );
}
