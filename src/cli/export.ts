import { readFileSync, writeFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { HotlineError, canonicalJson } from "../record/mod.js";
import { exportBundle, renderTranscript, verifyBundle, type BundleReport } from "../station/mod.js";
import { type CommonOptions, withCommon, withStation } from "./common.js";
import { cliIo } from "./io.js";
import { describeFindings, findingsOf } from "./findings.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline export`.
 *
 * @param program the root command
 */
export function registerExportCommand(program: Command): void {
  withCommon(
    program
      .command("export")
      .description("export a line: a signed bundle anyone can verify offline, or a transcript for people")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .requiredOption("--out <file>", "where to write it ('-' for standard output)")
      .addOption(
        new Option("--format <format>", "bundle (JSON, signed), html or md (transcripts)")
          .choices(["bundle", "html", "md"])
          .default("bundle"),
      ),
  ).action(
    async (options: CommonOptions & { line: string; out: string; format: "bundle" | "html" | "md" }) => {
      const made = await withStation(options, async (station) => {
        if (options.format !== "bundle")
          return { text: await renderTranscript(station, options.line, options.format) };
        const bundle = await exportBundle(station, options.line);
        return {
          text: `${canonicalJson(bundle)}\n`,
          entries: bundle.entries.length,
          statements: bundle.statements.length,
        };
      });
      if (options.out === "-") {
        cliIo().stdout.write(made.text);
        return;
      }
      try {
        writeFileSync(options.out, made.text);
      } catch (cause) {
        throw new HotlineError("BAD_INPUT", `Cannot write ${options.out}: ${(cause as Error).message}`, {
          cause,
        });
      }
      const summary = {
        out: options.out,
        format: options.format,
        bytes: Buffer.byteLength(made.text),
        ...("entries" in made ? { entries: made.entries, statements: made.statements } : {}),
      };
      if (options.json) return printJson(summary);
      printLines(
        "entries" in made
          ? `Bundle written to ${options.out}: ${made.entries} entries, ${made.statements} signed head statements (check it anywhere with 'hotline verify --bundle ${options.out}').`
          : `Transcript (${options.format}) written to ${options.out}.`,
      );
    },
  );
}

/**
 * `hotline verify --bundle FILE`: a bundle checked with nothing but itself; prints as `verify`
 * does, plus each participant's coverage.
 *
 * @param file the bundle
 * @param options --json, worker threads
 * @returns true when the bundle is valid
 */
export async function verifyBundleFile(
  file: string,
  options: { json?: boolean | undefined; workers?: number | undefined },
): Promise<boolean> {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (cause) {
    throw new HotlineError("BAD_INPUT", `Cannot read bundle ${file}: ${(cause as Error).message}`, { cause });
  }
  const report = await verifyBundle(text, { workers: options.workers });
  if (options.json) {
    printJson(
      report.ok
        ? {
            ok: true,
            lines: report.lines,
            entries: report.entries,
            ...findingsOf(report.findings),
            bundle: report.bundle,
            coverage: report.coverage,
          }
        : {
            ok: false,
            problems: report.problems,
            ...findingsOf(report.findings),
            bundle: report.bundle,
            coverage: report.coverage,
          },
    );
  } else {
    printLines(...describeBundleReport(report));
  }
  return report.ok;
}

function describeBundleReport(report: BundleReport): string[] {
  const b = report.bundle;
  const what =
    b === null
      ? ""
      : ` of line ${b.line.name} (${b.line.id.slice(0, 12)}), exported by ${b.exportedBy.name} ${b.exportedAt}`;
  const head = report.ok
    ? `Bundle intact${what}: ${report.entries} entries, every hash, link and signature valid, the bundle's signature too.`
    : `Bundle NOT intact${what}: ${report.problems.length} problem(s) in ${report.entries} entries.`;
  return [
    head,
    ...report.problems.map(
      (p) =>
        `  ${p.code}  line ${p.line?.slice(0, 12) ?? "-"}  author ${p.author?.slice(0, 10) ?? "-"}  seq ${p.seq ?? "-"}: ${p.detail}`,
    ),
    ...describeFindings(report.findings),
    ...report.coverage.map((c) =>
      c.statementAt === null
        ? `  ${c.name}: no signed heads in the bundle`
        : c.complete
          ? `  ${c.name}: signed heads of ${c.statementAt} cover the whole record`
          : `  ${c.name}: signed heads of ${c.statementAt} do NOT cover ${c.uncovered} entr${c.uncovered === 1 ? "y" : "ies"}: ${c.notCovered
              .slice(0, 10)
              .map((n) => `${n.author.slice(0, 8)} #${n.seq}`)
              .join(", ")}${c.uncovered > 10 ? ", …" : ""}`,
    ),
  ];
}
