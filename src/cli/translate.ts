import type { Command } from "commander";
import { PERMISSIONS, translateEntry, translationsOf } from "../station/mod.js";
import { asOption, type CommonOptions, usageError, viaStation, withCommon, withStation } from "./common.js";
import { readText } from "./messages.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline translate` and `hotline translations`.
 *
 * @param program the root command
 */
export function registerTranslateCommands(program: Command): void {
  withCommon(
    program
      .command("translate")
      .description(
        "attach a translation to a message or readout (the original stays, and stays authoritative)",
      )
      .argument("<entry>", "the original: its hash, or its first 8 or more hex digits")
      .requiredOption("--lang <tag>", "the translation's language, e.g. en")
      .option("--text <text>", "the translation")
      .option("--file <file>", "read the translation from a file ('-' for standard input)")
      .option("--translator <name>", "who translated (default the operator)")
      .option("--machine", "the translation was made by machine (name the system with --translator)")
      .addOption(asOption()),
  ).action(
    async (
      entry: string,
      options: CommonOptions & {
        lang: string;
        text?: string;
        file?: string;
        translator?: string;
        machine?: boolean;
        as: string;
      },
    ) => {
      if ((options.text === undefined) === (options.file === undefined))
        throw usageError("Cannot translate: give --text TEXT or --file F (one of them)");
      if (options.machine === true && options.translator === undefined)
        throw usageError(
          "Cannot attach a machine translation without naming the system: give --translator NAME",
        );
      const request = {
        entry,
        lang: options.lang,
        text: options.text ?? (await readText(options.file ?? "-")),
        ...(options.translator === undefined ? {} : { translator: options.translator }),
        machine: options.machine === true,
      };
      const attached = await viaStation(
        options,
        PERMISSIONS.translate,
        (api) => api.call("POST /api/translations", { body: request }),
        (station) => translateEntry(station, { ...request, operator: options.as }),
      );
      if (options.json) return printJson(attached);
      printLines(
        `Translation attached to ${attached.of.slice(0, 12)}: ${attached.hash} (seq ${attached.seq})`,
      );
    },
  );

  withCommon(
    program
      .command("translations")
      .description("a line's translations, each with the entry it translates")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name"),
  ).action(async (options: CommonOptions & { line: string }) => {
    const translations = await withStation(
      options,
      async (station) => await translationsOf(station, options.line),
    );
    if (options.json) return printJson(translations);
    if (translations.length === 0) return printLines("No translations on this line.");
    printLines(
      ...translations.map(
        (t) =>
          `${t.time}  ${t.stationName} (${t.operator})  ${t.of.slice(0, 12)} → ${t.lang} by ${t.translator}${t.machine ? " (MACHINE)" : ""}${t.byAuthor ? " (the author's own)" : ""}\n    ${t.text.replace(/\n/g, "\n    ")}`,
      ),
    );
  });
}
