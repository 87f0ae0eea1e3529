'use client';

import { parseAsString, useQueryStates } from 'nuqs';
import { useCallback, useMemo } from 'react';
import type { DomainSpec } from './domains';
import { parseView, toRaw, URL_KEYS, type UrlKey, type ViewState } from './url-state';

/** Every view key as a plain string: parsing and validation are url-state.ts's (pure, tested). */
const PARSERS = Object.fromEntries(URL_KEYS.map((k) => [k, parseAsString])) as Record<UrlKey, typeof parseAsString>;

/**
 * The dashboard's view, read from and written to the URL with nuqs: each change pushes a history entry (back
 * and forward walk through the views). A change of unit re-renders the server page (its first paint and the
 * queue map's hall positions depend on it); everything else stays in the browser.
 */
export function useViewState(spec: DomainSpec): [ViewState, (next: ViewState) => void] {
  const [raw, setRaw] = useQueryStates(PARSERS, { history: 'push', scroll: false });
  const view = useMemo(() => parseView(raw, spec), [raw, spec]);
  const setView = useCallback(
    (next: ViewState) => {
      void setRaw(toRaw(next, spec), { shallow: next.org === view.org });
    },
    [setRaw, spec, view.org],
  );
  return [view, setView];
}
