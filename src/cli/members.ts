import type { Command } from "commander";
import { runningStation } from "../api/mod.js";
import { PERMISSIONS, requireRole, stationPaths } from "../station/mod.js";
import { asOption, type CommonOptions, withCommon, withStation } from "./common.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline member approve`: this station consents to a station another participant added to a
 * line. Until every participant asked has consented, the line sends it nothing.
 *
 * @param program the root command
 */
export function registerMemberCommands(program: Command): void {
  const member = program.command("member").description("consent to stations joining a line");
  withCommon(
    member
      .command("approve")
      .description("consent, as this station, to a station another participant added to a line")
      .argument("<station>", "the station waiting: its id, a unique id prefix, or its name")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .addOption(asOption()),
  ).action(async (ref: string, options: CommonOptions & { line: string; as: string }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const approved =
      api === null
        ? await withStation(options, async (station) => {
            await requireRole(station, options.as, PERMISSIONS.approveMember);
            return await station.approveMember({ line: options.line, member: ref, operator: options.as });
          })
        : await api.call("POST /api/lines/:line/members/:station/approve", {
            params: { line: options.line, station: ref },
          });
    if (options.json) return printJson(approved);
    printLines(
      approved.awaiting.length === 0
        ? `Consented (seq ${approved.seq}): ${approved.member.slice(0, 8)} is now a participant of the line.`
        : `Consented (seq ${approved.seq}): ${approved.member.slice(0, 8)} still awaits the consent of ${approved.awaiting.map((a) => a.slice(0, 8)).join(", ")}.`,
    );
  });
}
