/**
 * The chaos run's table: faults by kind, entries sent and accepted, time to converge, and every
 * violation with the seed and the command line that replays the run.
 *
 * @module
 */
import { FAULT_KINDS } from "./_faults.js";
import type { ChaosReport } from "./run.js";

/**
 * @param report what the run found
 * @returns the table, as lines of text
 */
export function renderReport(report: ChaosReport): string {
  const { minutes, stations, seed } = report.options;
  const out: string[] = [];
  out.push(`chaos run: ${stations} stations, ${minutes} min of faults, seed ${seed}`, "");
  out.push(pad(["fault", "injected", "alarm expected", "detected", "longest (s)"]));
  for (const kind of FAULT_KINDS) {
    const of = report.faults.filter((f) => f.kind === kind);
    const expected = of.find((f) => f.expects !== null)?.expects ?? "-";
    const detected = of.filter((f) => f.detected === true).length;
    const longest = Math.max(0, ...of.map((f) => f.lastedMs)) / 1000;
    out.push(
      pad([
        kind,
        String(of.length),
        expected,
        expected === "-" ? "-" : `${detected}/${of.length}`,
        longest.toFixed(1),
      ]),
    );
  }
  out.push(pad(["total", String(report.faults.length), "", "", ""]), "");
  out.push(pad(["station", "sent", "accepted", "", ""]));
  for (const name of Object.keys(report.sent)) {
    out.push(pad([name, String(report.sent[name] ?? 0), String(report.accepted[name] ?? 0), "", ""]));
  }
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  out.push(pad(["total", String(sum(report.sent)), String(sum(report.accepted)), "", ""]), "");
  out.push(
    `entries at the end: ${Object.entries(report.entriesAtEnd)
      .map(([line, n]) => `${n} on ${line}`)
      .join(", ")}`,
    `time to converge after healing: ${report.convergeMs === null ? "never (within the bound)" : `${(report.convergeMs / 1000).toFixed(1)} s`}`,
    "",
  );
  if (report.violations.length === 0) {
    out.push("violations: none");
  } else {
    out.push(`violations: ${report.violations.length} (seed ${seed}; replay: ${report.replay})`);
    for (const v of report.violations) out.push(`  - ${v.what}: ${v.detail.split("\n").join("\n      ")}`);
    out.push(`stations kept in ${report.root}`);
  }
  return out.join("\n");
}

function pad(cells: string[]): string {
  const widths = [16, 9, 15, 9, 11];
  return cells
    .map((c, i) => c.padEnd(widths[i] ?? 10))
    .join(" ")
    .trimEnd();
}
