import type { Command } from "commander";
import { cliIo } from "./io.js";
import { type CommonOptions, withCommon, withStation } from "./common.js";
import { verifyBundleFile } from "./export.js";
import { describeFindings, findingsOf } from "./findings.js";
import { EXIT, printJson, printLines } from "./output.js";

/**
 * `hotline verify`.
 *
 * @param program the root command
 */
export function registerVerifyCommand(program: Command): void {
  withCommon(
    program
      .command("verify")
      .description("check every chain of every line: bytes, hashes, signatures, links")
      .option("--bundle <file>", "verify an exported bundle instead of this station's record")
      .option(
        "--workers <n>",
        "worker threads for signatures besides the main one (default: one per core but one, for large records)",
        (v) => Number.parseInt(v, 10),
      ),
  ).action(async (options: CommonOptions & { bundle?: string; workers?: number }) => {
    if (options.bundle !== undefined) {
      const valid = await verifyBundleFile(options.bundle, options);
      if (!valid) cliIo().exitCode = EXIT.failure;
      return;
    }
    const report = await withStation(
      options,
      async (station) => await station.verify({ workers: options.workers }),
    );
    if (options.json) {
      printJson(
        report.ok
          ? { ok: true, lines: report.lines, entries: report.entries, ...findingsOf(report.findings) }
          : { ok: false, problems: report.problems, ...findingsOf(report.findings) },
      );
    } else if (report.ok) {
      printLines(
        `Record intact: ${report.lines} lines, ${report.entries} entries, every hash, link and signature valid.`,
        ...describeFindings(report.findings),
      );
    } else {
      printLines(
        `Record NOT intact: ${report.problems.length} problem(s) in ${report.entries} entries.`,
        ...report.problems.map(
          (p) =>
            `  ${p.code}  line ${p.line?.slice(0, 12) ?? "-"}  author ${p.author?.slice(0, 10) ?? "-"}  seq ${p.seq ?? "-"}: ${p.detail}`,
        ),
        ...describeFindings(report.findings),
      );
    }
    if (!report.ok) cliIo().exitCode = EXIT.failure;
  });
}
