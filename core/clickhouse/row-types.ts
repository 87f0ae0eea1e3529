import { z } from 'zod';

// chDB returns UInt64 as a JSON number, a server as a string (output_format_json_quote_64bit_integers):
// row schemas coerce, never trust either.
export const chNumber = z.coerce.number();
export const chNullableNumber = z.union([z.null(), z.coerce.number()]);
/** DateTime64(3, 'UTC') text → epoch ms. */
export const chTimestamp = z.string().transform((s, ctx) => {
  const ms = Date.parse(s.replace(' ', 'T') + 'Z');
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a ClickHouse timestamp: ${s}` });
    return z.NEVER;
  }
  return ms;
});
export const chNullableTimestamp = z.union([z.null(), chTimestamp]);
