// The four-level early-warning scheme (DOMAIN.md §3: red / orange / yellow / blue), as the browser needs it.
// The server's own list lives in server/alerts/spec.ts; a unit test keeps the two equal.

export const SEVERITIES = ['red', 'orange', 'yellow', 'blue'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Chip colours: background and the text colour readable on it. */
export const SEVERITY_COLOR: Record<Severity, { bg: string; fg: string }> = {
  red: { bg: '#f5222d', fg: '#ffffff' },
  orange: { bg: '#fa8c16', fg: '#1a0d00' },
  yellow: { bg: '#fadb14', fg: '#1f1a00' },
  blue: { bg: '#1677ff', fg: '#ffffff' },
};

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

/** Most severe first: red 0 … blue 3; anything else after them. */
export function severityOrder(s: string): number {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return i === -1 ? SEVERITIES.length : i;
}

/** The most severe of a list, or null when empty. */
export function worstSeverity(list: readonly string[]): Severity | null {
  let best: Severity | null = null;
  for (const s of list) if (isSeverity(s) && (best === null || severityOrder(s) < severityOrder(best))) best = s;
  return best;
}

export const RULE_KINDS = ['threshold', 'change', 'compare', 'anomaly', 'time_limit', 'record_event', 'correlation'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
