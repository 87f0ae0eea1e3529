'use client';

import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { createTranslator, DEFAULT_LOCALE, type Locale, type Translate } from './locale';

interface LocaleContextValue {
  locale: Locale;
  t: Translate;
}

const defaultValue: LocaleContextValue = { locale: DEFAULT_LOCALE, t: createTranslator(DEFAULT_LOCALE) };
const LocaleContext = createContext<LocaleContextValue>(defaultValue);

/**
 * Provides the UI locale to client components. Render it high in the tree (layout) with the locale read on the
 * server by `getLocale()` from ./server.ts; LocaleSwitch changes the cookie and refreshes, which re-renders
 * this provider with the new locale. Without a provider, components fall back to zh-CN.
 */
export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => ({ locale, t: createTranslator(locale) }), [locale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): Locale {
  return useContext(LocaleContext).locale;
}

export function useT(): Translate {
  return useContext(LocaleContext).t;
}
