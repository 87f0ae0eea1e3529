// Active alerts for the banner and the list: most severe first, then the most recent. Pure; see
// alerts-view.test.ts. Severity colours are the alert center's (红/橙/黄/蓝, DOMAIN.md §3).
import type { PanelData } from '@/server/wall/types';
import { shortDivisionName } from '../../../_i18n/format';
import type { Locale } from '../../../_i18n/locale';
import { SEVERITY_COLOR, severityOrder } from '../../alerts/severity';

export type WallAlert = NonNullable<PanelData['alerts']>[number];

export function sortAlerts(alerts: readonly WallAlert[] | undefined): WallAlert[] {
  return [...(alerts ?? [])].sort(
    (a, b) =>
      severityOrder(a.severity) - severityOrder(b.severity) || Date.parse(b.firedAt) - Date.parse(a.firedAt) || a.id.localeCompare(b.id),
  );
}

/** An org path for the wall: "大理白族自治州 宾川县" → "大理州 宾川县". */
export const shortOrgName = (name: string) => name.split(/\s+/).map(shortDivisionName).join(' ');

export const alertTitle = (a: WallAlert, locale: Locale) => (locale === 'en' ? a.titleEn || a.title : a.title || a.titleEn);

/** CSS custom properties of a severity: background and the text colour readable on it. */
export function severityVars(severity: string): Record<'--sev' | '--sev-fg', string> {
  const c = SEVERITY_COLOR[severity as keyof typeof SEVERITY_COLOR] ?? { bg: '#5b6b85', fg: '#ffffff' };
  return { '--sev': c.bg, '--sev-fg': c.fg };
}
