import { en, zhCN, type Dictionary, type MessageKey } from './dictionaries';

export type { Dictionary, MessageKey } from './dictionaries';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
/** Chinese first: anything unknown falls back to zh-CN. */
export const DEFAULT_LOCALE: Locale = 'zh-CN';
/** Cookie holding the user's choice (set by LocaleSwitch, read by getLocale() in ./server.ts). */
export const LOCALE_COOKIE = 'locale';

export type MessageParams = Record<string, string | number>;
/** Looks a key up in the current dictionary and fills `{name}` placeholders. */
export type Translate = (key: MessageKey, params?: MessageParams) => string;

const DICTIONARIES: Record<Locale, Dictionary> = { 'zh-CN': zhCN, en };

export function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en';
}

/** Normalises a cookie value ('en', 'en-US', 'zh', 'zh-CN' …) to a supported locale, zh-CN by default. */
export function resolveLocale(value: string | null | undefined): Locale {
  if (!value) return DEFAULT_LOCALE;
  if (isLocale(value)) return value;
  const lower = value.toLowerCase();
  if (lower === 'en' || lower.startsWith('en-') || lower.startsWith('en_')) return 'en';
  return DEFAULT_LOCALE;
}

export function getDictionary(locale: Locale): Dictionary {
  return DICTIONARIES[locale];
}

export function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function createTranslator(locale: Locale): Translate {
  const dict = getDictionary(locale);
  return (key, params) => interpolate(dict[key] ?? zhCN[key] ?? key, params);
}

/** Value for `<html lang>`. */
export function htmlLang(locale: Locale): string {
  return locale === 'en' ? 'en' : 'zh-CN';
}
