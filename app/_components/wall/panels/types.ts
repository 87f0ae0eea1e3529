import type { CSSProperties } from 'react';
import type { PanelSpec } from '@/server/wall/layout';
import type { PanelData } from '@/server/wall/types';
import type { Locale } from '../../../_i18n/locale';

/** What every wall panel component receives from the zone (its data is undefined until the first answer). */
export interface PanelProps {
  panel: PanelSpec;
  data: PanelData | undefined;
  locale: Locale;
}

/** Inline CSS custom properties (`--cols` …) for the panel styles. */
export const cssVars = (vars: Record<`--${string}`, string | number>): CSSProperties => vars as CSSProperties;
