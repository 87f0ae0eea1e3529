// A tRPC error as one line for the editor: the server's field messages (zod issues) when it has them. Pure.

export function errorMessage(err: unknown): string {
  if (!err || typeof err !== 'object') return String(err);
  const e = err as { message?: string; data?: { zodError?: { path: string; message: string }[] | null } | null };
  const issues = e.data?.zodError;
  if (issues?.length) return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('；');
  return e.message ?? String(err);
}
