/** What a notification's volume is made of, for tests: an area and a time window near today. */

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A GeoJSON polygon. */
export interface Polygon {
  type: "Polygon";
  coordinates: number[][][];
}

/**
 * @param lon the south-west corner's longitude
 * @param lat the south-west corner's latitude
 * @param size the side, in degrees
 * @returns a square of `size` degrees with its south-west corner at (lon, lat)
 */
export function square(lon: number, lat: number, size: number): Polygon {
  return {
    type: "Polygon",
    coordinates: [
      [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
      ],
    ],
  };
}

/**
 * @param days whole days after today's midnight (UTC)
 * @param hours more hours
 * @returns that time, as an ISO 8601 UTC string with milliseconds
 */
export function afterMidnight(days: number, hours = 0): string {
  return new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY + hours * HOUR).toISOString();
}

/**
 * @param fromDays where the window starts, in days after today's midnight (UTC)
 * @param toDays where it ends
 * @returns the window, as a volume's `time`
 */
export function dayWindow(fromDays: number, toDays: number): { start: string; end: string } {
  return { start: afterMidnight(fromDays), end: afterMidnight(toDays) };
}
