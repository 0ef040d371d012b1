/**
 * Verifies a station's record in a process of its own and prints what it took, as JSON: so that
 * the RSS row measures a process that verifies a record, not the bench that built it.
 *
 *   node dist/bench/_verify-child.js DIR WORKERS
 *
 * Prints `{ entries, ok, seconds, openRssMb, maxRssMb }`: the resident memory once the station is
 * open (the ceiling: what the process holds before verifying) and the peak over the whole run.
 */
import { Station } from "../src/station/mod.js";

const [dir, workers] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write("usage: node dist/bench/_verify-child.js DIR WORKERS\n");
  process.exit(2);
}
const MB = 1024 * 1024;
const station = await Station.open({ dir });
try {
  const openRssMb = process.memoryUsage().rss / MB;
  const start = process.hrtime.bigint();
  const report = await station.verify({ workers: Number(workers ?? 0) });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const maxRssMb = (process.resourceUsage().maxRSS * 1024) / MB;
  console.log(JSON.stringify({ entries: report.entries, ok: report.ok, seconds, openRssMb, maxRssMb }));
} finally {
  await station.close();
}
