// SQL builders the bulk paths share (billing CSVs, hall-queue tickets, outage notices and customers, CTI): each
// reproduces, as an expression over a staged text column, one check or transform the row path does in
// JavaScript, so both paths load the same facts and quarantine the same rows. Arguments are column names and
// code-side text only; values from the data are never pasted in.

/** An SQL string literal of code-side text (regular expressions, fixed reasons): never data. */
export const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** JavaScript's String.prototype.trim: ASCII whitespace and the Unicode spaces (RE2 classes, UTF-8). */
const WS = String.raw`[\t\n\x{0B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]`;
export const jsTrim = (x: string) =>
  // The statements evaluate every branch (short_circuit_function_evaluation = 'disable'): the pattern is given
  // the text only where it is not ASCII, else an empty string, or it would run on every value.
  `if(isValidASCII(${x}), trimBoth(${x}, ${lit(' \t\n\v\f\r')}), replaceRegexpAll(if(isValidASCII(${x}), '', ${x}), ${lit(`^${WS}+|${WS}+$`)}, ''))`;

// The pattern checks month, day (1–31), hour, minute and second ranges itself; what it cannot is the month's
// last day. Range tests as separate expressions made each time field a dozen function calls, and the engine's
// planning of a load's statement (several time fields, each tested and parsed) cost more than its rows.
const TIME_RE = String.raw`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?$`;
const num = (x: string, from: number, len: number) => `toUInt16OrZero(substring(${x}, ${from}, ${len}))`;

/** parseLocal's acceptance: the pattern, then a real calendar day. */
export function timeOk(x: string): string {
  // The month's length by arithmetic: toLastDayOfMonth gives a Date (1970–2149) even of a Date32, so other years
  // came out wrong. Evaluated eagerly (no short circuit): for texts the pattern refuses, any month gives a number.
  const y = num(x, 1, 4);
  const mo = num(x, 6, 2);
  return `(match(${x}, ${lit(TIME_RE)})
    AND ${num(x, 9, 2)} <= [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][${mo}] + (${mo} = 2 AND ${y} % 4 = 0 AND (${y} % 100 != 0 OR ${y} % 400 = 0)))`;
}

/**
 * The instant of a local wall-clock text in the source's zone ({tz}); NULL where timeOk is false. `ok` names
 * the column (an alias) where the statement has timeOk(x): spelled again, the test would be planned again.
 */
export function timeVal(x: string, ok: string): string {
  return `if(${ok}, toDateTime64OrNull(concat(substring(${x}, 1, 10), ' ', substring(${x}, 12, 5), ':',
    if(length(${x}) >= 19, substring(${x}, 18, 2), '00'), '.', if(length(${x}) > 20, rightPad(substring(${x}, 21), 3, '0'), '000')), 3, {tz:String}), NULL)`;
}
