import { describe, expect, it } from 'vitest';
import { chTime, formatLocal, parseLocal } from '@/core/time';

// The local-time helpers read and write by integer arithmetic (the ETL converts millions of times a day); here
// they are held to what Date and Intl say, over random instants, in zones with and without summer time.

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'UTC'];

/** The wall clock of `ms` in `tz` as Intl prints it, with the milliseconds: the reference. */
function intlLocal(ms: number, tz: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${millis}`;
}

/** A seeded generator, so a failure names the same instants again. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 4_294_967_296;
}

describe('local time text', () => {
  const next = rng(20261206);
  // 1900 to 2100, and a few days around the turns of centuries and leap days.
  const instants = [
    ...Array.from({ length: 4000 }, () => Math.floor(Date.UTC(1900, 0, 1) + next() * (Date.UTC(2100, 0, 1) - Date.UTC(1900, 0, 1)))),
    Date.UTC(2000, 1, 29, 23, 59, 59, 999),
    Date.UTC(2100, 1, 28, 23, 59, 59, 999),
    Date.UTC(1970, 0, 1),
    Date.UTC(1969, 11, 31, 23, 59, 59, 999),
    Date.UTC(2024, 11, 31, 16, 0, 0, 0),
  ];

  it('chTime prints what toISOString prints', () => {
    for (const ms of instants) expect(chTime(ms)).toBe(new Date(ms).toISOString().replace('T', ' ').replace('Z', ''));
    // Years that do not print as four digits, and what is not an instant, still go through Date.
    expect(chTime(Date.UTC(10_000, 0, 1))).toBe('+010000-01-01 00:00:00.000');
    expect(() => chTime(Number.NaN)).toThrow(RangeError);
  });

  it('formatLocal prints the wall clock Intl shows, and parseLocal reads it back to the instant', () => {
    let compared = 0;
    for (const tz of ZONES)
      for (const ms of instants) {
        const text = formatLocal(ms, tz);
        expect(text, `${ms} in ${tz}`).toBe(intlLocal(ms, tz));
        const back = parseLocal(text, tz);
        // A wall-clock time repeated when summer time ends names either instant; Intl prints both alike.
        if (back !== ms) expect(intlLocal(back!, tz), `${text} in ${tz}`).toBe(text);
        // Without milliseconds, and with a T, the same instant to the second.
        expect(parseLocal(text.slice(0, 19), tz)).toBe(back! - (((back! % 1000) + 1000) % 1000));
        expect(parseLocal(text.replace(' ', 'T'), tz)).toBe(back);
        compared++;
      }
    expect(compared).toBe(ZONES.length * instants.length);
  });

  it('parseLocal refuses impossible dates and times, whatever the shape', () => {
    for (const bad of [
      '2026-02-29 00:00:00',
      '2026-11-31 09:00:00',
      '2026-13-01 00:00:00',
      '2026-00-10 00:00:00',
      '2026-11-00 00:00:00',
      '2026-11-23 24:00:00',
      '2026-11-23 23:60:00',
      '2026-11-23 23:59:60',
      '2026-11-23 23:59:60.000',
      '2026-11-2x 23:59:00',
      '2026/11/23 23:59:00',
      '2026-11-23  3:59:00',
      '',
      'yesterday',
    ])
      expect(parseLocal(bad, 'Asia/Shanghai'), bad).toBeNull();
    expect(parseLocal('2024-02-29 12:00:00', 'Asia/Shanghai')).toBe(Date.UTC(2024, 1, 29, 4));
    expect(parseLocal('2000-02-29 12:00:00', 'UTC')).toBe(Date.UTC(2000, 1, 29, 12));
    expect(parseLocal('1900-02-29 12:00:00', 'UTC')).toBeNull();
    // The shapes the general path reads: spaces around, no seconds, one or two digits of a fraction.
    expect(parseLocal(' 2026-11-23 09:15:02 ', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 23, 1, 15, 2));
    expect(parseLocal('2026-11-23 09:15', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 23, 1, 15));
    expect(parseLocal('2026-11-23 09:15:02.5', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 23, 1, 15, 2, 500));
  });
});
