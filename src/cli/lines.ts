import type { Command } from "commander";
import { runningStation } from "../api/mod.js";
import { stationPaths } from "../station/mod.js";
import { asOption, type CommonOptions, withCommon, withStation } from "./common.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline line create` and `hotline lines`.
 *
 * @param program the root command
 */
export function registerLineCommands(program: Command): void {
  const line = program.command("line").description("open and configure lines");
  withCommon(
    line
      .command("create")
      .description("open a new line, with this station as its first participant")
      .requiredOption("--name <name>", "the line's name, e.g. moscow-washington")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { name: string; as: string }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const created =
      api === null
        ? await withStation(options, (station) => {
            station.operator(options.as);
            return station.createLine({ name: options.name, operator: options.as });
          })
        : await api.post<{ id: string; name: string }>("/api/lines", { name: options.name });
    if (options.json) return printJson(created);
    printLines(`Line ${created.name} opened: ${created.id}`);
  });

  withCommon(program.command("lines").description("list this station's lines and their participants")).action(
    async (options: CommonOptions) => {
      await withStation(options, (station) => {
        const lines = station.lines();
        if (options.json) return printJson(lines);
        if (lines.length === 0)
          return printLines("No lines yet: open one with 'hotline line create --name NAME'.");
        printLines(
          ...lines.flatMap((l) => [
            `${l.name}  ${l.id.slice(0, 12)}  ${l.entries} entries`,
            ...l.participants.map((p) =>
              p.safetyCode === null
                ? `  ${p.name} (this station)`
                : `  ${p.name.padEnd(14)} safety code ${p.safetyCode}`,
            ),
          ]),
        );
      });
    },
  );
}
