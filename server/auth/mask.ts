// Personal data (account numbers, names, phone numbers, addresses) is masked in every list by default:
// enough characters stay to tell records apart and to match a customer who reads theirs out on the phone,
// not enough to identify anyone. Unmasked values go only to roles with `pii.reveal`, each reveal audited.

/** `5301020012345678` → `53************78`; short values keep one character at each end. */
export function maskValue(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  const s = String(v);
  const chars = [...s];
  if (chars.length <= 2) return '*'.repeat(chars.length);
  const keep = chars.length <= 6 ? 1 : 2;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - 2 * keep) + chars.slice(-keep).join('');
}

/** The rows with every personal column masked. */
export function maskRows<R extends Record<string, unknown>>(rows: readonly R[], personal: readonly string[]): R[] {
  if (personal.length === 0) return [...rows];
  return rows.map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const c of personal) if (Object.hasOwn(out, c)) out[c] = maskValue(out[c]);
    return out as R;
  });
}
