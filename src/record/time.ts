/** An RFC 3339 date-time: fractions optional, `Z` or an offset, `T` and `Z` in either case. */
const RFC_3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * A time as a person writes it, in the one form the record keeps: UTC with milliseconds, as
 * `toISOString()` gives it. Any RFC 3339 time is taken — `2030-10-17T00:00:00Z`,
 * `2030-10-17t03:00:00.5+03:00` — with digits past milliseconds dropped. Anything else comes back
 * as it was, for the schema to refuse with its message; what is signed stays strict.
 *
 * @example normalizeTime("2030-10-17T03:00:00+03:00") === "2030-10-17T00:00:00.000Z"
 * @param text a time as written
 * @returns the same instant as UTC ISO 8601 with milliseconds, or `text` when it is no RFC 3339 time
 */
export function normalizeTime(text: string): string {
  const m = RFC_3339.exec(text.trim());
  if (m === null) return text;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number(`${m[7] ?? ""}000`.slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  // No 30 February, no 24:00, no leap second: the fields must be the ones the date holds.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    return text;
  }
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (hours > 23 || minutes > 59) return text;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const instant = date.getTime() - offsetMinutes * 60_000;
  return Number.isNaN(instant) ? text : new Date(instant).toISOString();
}
