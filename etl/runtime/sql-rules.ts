// SQL builders the bulk paths share (billing CSVs, hall-queue tickets, outage notices and customers, CTI): each
// reproduces, as an expression over a staged text column, one check or transform the row path does in
// JavaScript, so both paths load the same facts and quarantine the same rows. Arguments are column names and
// code-side text only; values from the data are never pasted in.

/** An SQL string literal of code-side text (regular expressions, fixed reasons): never data. */
export const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** JavaScript's String.prototype.trim: ASCII whitespace and the Unicode spaces (RE2 classes, UTF-8). */
const WS = String.raw`[\t\n\x{0B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]`;
export const jsTrim = (x: string) =>
  `if(isValidASCII(${x}), trimBoth(${x}, ${lit(' \t\n\v\f\r')}), replaceRegexpAll(${x}, ${lit(`^${WS}+|${WS}+$`)}, ''))`;

const TIME_RE = String.raw`^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$`;
const num = (x: string, from: number, len: number) => `toUInt16OrZero(substring(${x}, ${from}, ${len}))`;

/** parseLocal's acceptance: the pattern, then a real calendar day and clock time. */
export function timeOk(x: string): string {
  const mo = num(x, 6, 2);
  return `(match(${x}, ${lit(TIME_RE)}) AND ${mo} BETWEEN 1 AND 12
    AND ${num(x, 9, 2)} BETWEEN 1 AND toDayOfMonth(toLastDayOfMonth(makeDate32(${num(x, 1, 4)}, greatest(1, least(12, ${mo})), 1)))
    AND ${num(x, 12, 2)} <= 23 AND ${num(x, 15, 2)} <= 59 AND ${num(x, 18, 2)} <= 59)`;
}

/** The instant of a local wall-clock text in the source's zone ({tz}); NULL where timeOk is false. */
export function timeVal(x: string): string {
  return `if(${timeOk(x)}, toDateTime64OrNull(concat(substring(${x}, 1, 10), ' ', substring(${x}, 12, 5), ':',
    if(length(${x}) >= 19, substring(${x}, 18, 2), '00'), '.', if(length(${x}) > 20, rightPad(substring(${x}, 21), 3, '0'), '000')), 3, {tz:String}), NULL)`;
}
