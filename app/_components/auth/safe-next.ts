/**
 * Where to go after signing in: a path on this site only. `//evil.example` and `https://…` would send a
 * freshly signed-in user to another site (an open redirect), so anything but a plain local path becomes `/`.
 */
export function safeNext(v: string | string[] | undefined | null): string {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s || !s.startsWith('/') || s.startsWith('//') || s.startsWith('/\\') || hasControlChar(s)) return '/';
  if (s.startsWith('/sign-in')) return '/';
  return s;
}

const hasControlChar = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
