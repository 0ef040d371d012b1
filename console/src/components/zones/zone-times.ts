/**
 * A time as the station wants it (UTC ISO 8601 with milliseconds), from what an operator typed:
 * a UTC time in a shorter ISO form ("2026-12-01T06:00Z") is completed; anything else is left as
 * typed, for the station to refuse with its own message.
 *
 * @param typed what the operator typed
 * @returns the time to send, or undefined when the field was left empty
 * @example
 * utcIso("2026-12-01T06:00Z"); // "2026-12-01T06:00:00.000Z"
 */
export function utcIso(typed: string): string | undefined {
  const trimmed = typed.trim();
  if (trimmed === "") return undefined;
  const ms = Date.parse(trimmed);
  return /^\d{4}-\d\d-\d\dT[\d:.]+Z$/i.test(trimmed) && Number.isFinite(ms)
    ? new Date(ms).toISOString()
    : trimmed;
}

/**
 * @param typed what the operator typed in a number field
 * @returns the number, or undefined when left empty (NaN when not a number, for the station to refuse)
 */
export function metres(typed: string): number | undefined {
  return typed.trim() === "" ? undefined : Number(typed);
}
