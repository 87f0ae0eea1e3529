// Display words of the dashboards that come from data: a dimension value's name, a KPI's name, a unit's name.
import type { Locale, MessageKey, Translate } from '../../_i18n/locale';
import type { DefLite } from './batch';
import { orgName } from './org';

/** A dimension value in words: the dashboard dictionary's, the record pages' or the shared code list's, else the value itself. */
export function dimValueLabel(t: Translate, dim: string, value: string): string {
  const own = `dimv.${dim}.${value}`;
  const a = t(own as MessageKey);
  if (a !== own) return a;
  const rec = `records.e.${dim}.${value}`;
  const r = t(rec as MessageKey);
  if (r !== rec) return r;
  const code = `code.${value}`;
  const b = t(code as MessageKey);
  return b !== code ? b : value;
}

export const text = (locale: Locale, l: { zh: string; en: string }) => (locale === 'zh-CN' ? l.zh : l.en);

export function kpiName(locale: Locale, def: DefLite | undefined, id: string): string {
  return def ? text(locale, def.name) : id;
}

export function dimLabel(locale: Locale, defs: Iterable<DefLite>, dim: string): string {
  for (const d of defs) {
    const found = d.dimensions.find((x) => x.name === dim);
    if (found) return text(locale, found.label);
  }
  return dim;
}

/** A unit's name: the divisions' for province, city and county; for a hall the name the figures carry. */
export function unitName(t: Translate, code: string, fromData?: string | null): string {
  return orgName(code) ?? fromData ?? t('desk.unit.hall', { code });
}
