import { type Command, InvalidArgumentError } from "commander";
import type { Verdict } from "../record/mod.js";
import {
  PERMISSIONS,
  markReadout,
  publishReadout,
  readoutsOf,
  type ComparisonView,
  type ReadoutsView,
} from "../station/mod.js";
import { describeCall } from "./calls.js";
import { asOption, type CommonOptions, usageError, viaStation, withCommon, withStation } from "./common.js";
import { readText } from "./messages.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline readout`, `hotline readout mark` and `hotline readouts`.
 *
 * @param program the root command
 */
export function registerReadoutCommands(program: Command): void {
  const readout = withCommon(
    program
      .command("readout")
      .description("publish this station's readout of a call: its own account, in its own language")
      .option("--call <call>", "the call: its request's hash, or its first 8 or more hex digits")
      .option("--text <text>", "the readout")
      .option("--file <file>", "read the readout from a file ('-' for standard input)")
      .option("--lang <tag>", "its language (default the station's)")
      .option("--line <line>", "the line the call must be on (a check)")
      .addOption(asOption()),
  ).action(
    async (
      options: CommonOptions & {
        call?: string;
        text?: string;
        file?: string;
        lang?: string;
        line?: string;
        as: string;
      },
    ) => {
      if (options.call === undefined)
        throw usageError("Cannot publish a readout: name the call with --call ID");
      if ((options.text === undefined) === (options.file === undefined))
        throw usageError("Cannot publish a readout: give --text TEXT or --file F (one of them)");
      const call = options.call;
      const text = options.text ?? (await readText(options.file ?? "-"));
      const published = await viaStation(
        options,
        PERMISSIONS.readout,
        (api) =>
          api.call("POST /api/calls/:call/readouts", {
            params: { call },
            body: {
              text,
              ...(options.lang === undefined ? {} : { lang: options.lang }),
              ...(options.line === undefined ? {} : { line: options.line }),
            },
          }),
        (station) =>
          publishReadout(station, {
            call,
            text,
            lang: options.lang,
            line: options.line,
            operator: options.as,
          }),
      );
      if (options.json) return printJson(published);
      printLines(`Readout published: ${published.hash} (seq ${published.seq}, ${published.points} points)`);
    },
  );

  // `readout` itself takes --dir, --json and --as, wherever they stand on the command line, so
  // `readout mark` reads them from there.
  readout
    .command("mark")
    .description(
      "mark a point of another side's readout agreed or disputed (a signed entry); --dir, --json, --as as for readout",
    )
    .argument("<readout>", "the readout: its hash, or its first 8 or more hex digits")
    .requiredOption("--point <n>", "the point's number, as 'hotline readouts' shows it", pointOf)
    .option("--agree", "the point is what happened")
    .option("--dispute", "the point is not what happened")
    .option("--comment <text>", "why, or what happened instead")
    .action(
      async (
        ref: string,
        local: { point: number; agree?: boolean; dispute?: boolean; comment?: string },
        command: Command,
      ) => {
        const options = {
          ...(command.parent?.opts<CommonOptions & { as: string }>() ?? { as: "admin" }),
          ...local,
        };
        if (options.agree === options.dispute)
          throw usageError("Cannot mark the point: give --agree or --dispute (one of them)");
        const verdict: Verdict = options.agree === true ? "agreed" : "disputed";
        const mark = {
          point: options.point,
          verdict,
          ...(options.comment === undefined ? {} : { comment: options.comment }),
        };
        const marked = await viaStation(
          options,
          PERMISSIONS.readout,
          (api) => api.call("POST /api/readouts/:readout/marks", { params: { readout: ref }, body: mark }),
          (station) => markReadout(station, { readout: ref, ...mark, operator: options.as }),
        );
        if (options.json) return printJson(marked);
        printLines(`Point ${options.point} marked ${verdict} (seq ${marked.seq}): "${marked.quote}"`);
      },
    );

  withCommon(
    program
      .command("readouts")
      .description(
        "every side's readout of a call side by side: what each mentions that the other does not, what is agreed, what disputed",
      )
      .requiredOption("--call <call>", "the call: its request's hash, or its first 8 or more hex digits"),
  ).action(async (options: CommonOptions & { call: string }) => {
    const view = await withStation(options, async (station) => await readoutsOf(station, options.call));
    if (options.json) return printJson(view);
    printLines(...describeReadouts(view));
  });
}

function describeReadouts(view: ReadoutsView): string[] {
  const out = [describeCall(view.call), ""];
  if (view.readouts.length === 0) return [...out, "No readouts yet."];
  for (const r of view.readouts) {
    out.push(
      `── ${r.stationName}'s readout (${r.operator}, ${r.time}, ${r.lang}${r.latest ? "" : ", superseded"}) ${r.hash.slice(0, 12)}`,
      ...r.points.map((p) => {
        const seen = p.mentionedByOthers === null ? " " : p.mentionedByOthers ? "=" : "+";
        const marks = p.marks.map(
          (m) =>
            `\n         ${m.verdict.toUpperCase()} by ${m.stationName} (${m.operator})${m.comment === null ? "" : `: ${m.comment}`}`,
        );
        return `  ${seen} [${p.index}] ${p.text}${marks.join("")}`;
      }),
      ...r.translations.map(
        (t) =>
          `    translation (${t.lang}) by ${t.translator}${t.machine ? ", MACHINE" : ""}${t.byAuthor ? ", the author's own" : ""}: ${t.text.replace(/\n/g, " ")}`,
      ),
      "",
    );
  }
  out.push("  (+ mentioned by this side only, = mentioned by the others too)", "");
  for (const c of view.comparisons) out.push(...describeComparison(c), "");
  out.push(
    "Agreed:",
    ...(view.agreed.length === 0
      ? ["  (nothing marked agreed)"]
      : view.agreed.map(
          (p) =>
            `  ${p.stationName} [${p.index}] ${p.text} — by ${p.by.map((b) => b.stationName).join(", ")}`,
        )),
    "Disputed:",
    ...(view.disputed.length === 0
      ? ["  (nothing marked disputed)"]
      : view.disputed.map(
          (p) =>
            `  ${p.stationName} [${p.index}] ${p.text} — by ${p.by.map((b) => `${b.stationName}${b.comment === null ? "" : `: ${b.comment}`}`).join("; ")}`,
        )),
  );
  if (view.unplaced.length > 0) {
    out.push(
      "Marks whose point was not found:",
      ...view.unplaced.map((m) => `  ${m.verdict} by ${m.stationName}: "${m.quote}"`),
    );
  }
  return out;
}

function describeComparison(c: ComparisonView): string[] {
  if (!c.comparable) return [`${c.a.stationName} / ${c.b.stationName}: ${c.reason ?? "not comparable"}`];
  const via = (s: ComparisonView["a"]) =>
    s.source === "original"
      ? "original"
      : `translation${s.machine ? " (machine)" : ""} ${s.translation?.slice(0, 12) ?? ""}`;
  return [
    `Compared in ${c.a.lang}: ${c.a.stationName}'s ${via(c.a)} with ${c.b.stationName}'s ${via(c.b)}`,
    `  Only ${c.a.stationName} mentions:`,
    ...(c.onlyA.length === 0 ? ["    (nothing)"] : c.onlyA.map((p) => `    [${p.index}] ${p.text}`)),
    `  Only ${c.b.stationName} mentions:`,
    ...(c.onlyB.length === 0 ? ["    (nothing)"] : c.onlyB.map((p) => `    [${p.index}] ${p.text}`)),
    `  Both mention: ${c.both.length === 0 ? "(nothing)" : c.both.map((m) => `${c.a.stationName}[${m.a}]~${c.b.stationName}[${m.b}]`).join(", ")}`,
  ];
}

function pointOf(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError("give the point's number, 0 or more");
  return n;
}
