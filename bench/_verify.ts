/** Verifying a station's whole record, timed, and refusing to report a speed for a broken record. */
import type { Station } from "../src/station/mod.js";
import { secondsAsync } from "./_measure.js";

/**
 * @param station an open station
 * @param workers worker threads (0: on this thread)
 * @param expected how many entries the record holds
 * @returns entries verified per second
 * @throws Error when the record is not intact or not the expected size
 */
export async function verifyRate(station: Station, workers: number, expected: number): Promise<number> {
  const { seconds, value: report } = await secondsAsync(async () => await station.verify({ workers }));
  if (!report.ok || report.entries !== expected) {
    throw new Error(
      `verify (${workers} workers) found ${report.problems.length} problem(s) in ${report.entries} of ${expected} entries`,
    );
  }
  return report.entries / seconds;
}
