// "Who changed what": the differences between two saved versions of a rule, as dotted paths with the value
// before and after (levels.red: 0.2 → 0.25). Pure.

export interface SpecChange {
  path: string;
  from: unknown;
  to: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Leaves of a JSON value keyed by dotted path; arrays are compared as a whole. */
function flatten(v: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (!keys.length && prefix) out.set(prefix, v);
    for (const k of keys) flatten(v[k], prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, v);
  }
}

/** The paths whose value differs between two versions (name and enabled included), in a stable order. */
export function versionChanges(
  prev: { name: string; enabled: boolean; spec: unknown } | undefined,
  next: { name: string; enabled: boolean; spec: unknown },
): SpecChange[] {
  if (!prev) return [];
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten({ name: prev.name, enabled: prev.enabled, spec: prev.spec }, '', a);
  flatten({ name: next.name, enabled: next.enabled, spec: next.spec }, '', b);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths
    .filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p)))
    .map((p) => ({ path: p.replace(/^spec\./, ''), from: a.get(p), to: b.get(p) }));
}

/** A changed value for display: strings plain, undefined as —, everything else as compact JSON. */
export function showValue(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
