/**
 * Timestamps as AWS events carry them. EventBridge envelopes use RFC 3339 ("2021-02-01T17:18:06.082Z"),
 * AWS Health details use RFC 1123 ("Sat, 05 Jun 2021 10:00:00 GMT"), and published samples are full of
 * placeholders ("yyyy-mm-ddThh:mm:ssZ"). Every parser here returns null instead of throwing, so a
 * placeholder becomes "no known time" and the decision says so.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

// The weekday is matched for shape only: published Health samples carry weekdays that do not fit
// their dates ("Thu, 27 Jan 2026" was a Tuesday), and the date itself is what matters.
const RFC1123 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|UTC|Z|\+0000)$/;

/** A UTC instant from calendar fields, or null when a field is out of range (Date.UTC would roll it over). */
function utcInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): Date | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  if (Number.isNaN(ms) || date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return null;
  return date;
}

/** An RFC 3339 timestamp (the EventBridge `time` field), or null for placeholders and impossible dates. */
export function parseRfc3339(text: string): Date | null {
  const match = RFC3339.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const calendar = utcInstant(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
  if (!calendar) return null;
  let ms = calendar.getTime();
  if (fraction) ms += Math.floor(Number(`0${fraction}`) * 1000);
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(":").map(Number);
    if ((zh ?? 0) > 23 || (zm ?? 0) > 59) return null;
    ms -= sign * ((zh ?? 0) * 60 + (zm ?? 0)) * 60_000;
  }
  return new Date(ms);
}

/** An RFC 1123 timestamp as AWS Health writes `startTime`/`endTime`, or null when it is not one. */
export function parseRfc1123(text: string): Date | null {
  const match = RFC1123.exec(text.trim());
  if (!match) return null;
  const [, d, mon, y, h, mi, s] = match;
  const month = MONTHS.indexOf(mon as (typeof MONTHS)[number]) + 1;
  return utcInstant(Number(y), month, Number(d), Number(h), Number(mi), Number(s));
}

/** Health times are RFC 1123 in EventBridge; accept RFC 3339 as well, since the Health API itself returns it. */
export function parseHealthTime(text: string | undefined): Date | null {
  if (text === undefined) return null;
  return parseRfc1123(text) ?? parseRfc3339(text);
}

/** ISO 8601 in UTC, without the milliseconds when they are zero: "2021-06-05T10:02:00Z". */
export function formatInstant(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}
