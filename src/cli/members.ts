import type { Command } from "commander";
import { runningStation } from "../api/mod.js";
import { HotlineError } from "../record/mod.js";
import { PERMISSIONS, requireRole, stationPaths } from "../station/mod.js";
import { asOption, type CommonOptions, withCommon, withStation } from "./common.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline member approve`: this station consents to stations other participants added to a line,
 * one or several (or, with `--all`, every one awaiting its consent) in one signed entry. Until
 * every participant asked has consented, the line sends a station nothing.
 *
 * @param program the root command
 */
export function registerMemberCommands(program: Command): void {
  const member = program.command("member").description("consent to stations joining a line");
  withCommon(
    member
      .command("approve")
      .description(
        "consent, as this station, to stations other participants added to a line (several at once: one entry)",
      )
      .argument("[stations...]", "the stations waiting: each its id, a unique id prefix, or its name")
      .option("--all", "every station on the line awaiting this station's consent")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .addOption(asOption()),
  ).action(async (refs: string[], options: CommonOptions & { line: string; as: string; all?: boolean }) => {
    if ((options.all === true) === refs.length > 0) {
      throw new HotlineError("BAD_INPUT", "Cannot approve: name the stations, or give --all (not both)");
    }
    const members = options.all === true ? "all" : refs;
    const api = runningStation(stationPaths(options.dir), options.as);
    const approved =
      api === null
        ? await withStation(options, async (station) => {
            await requireRole(station, options.as, PERMISSIONS.approveMember);
            return await station.approveMembers({ line: options.line, members, operator: options.as });
          })
        : await api.call("POST /api/lines/:line/members/approve", {
            params: { line: options.line },
            body: { stations: members },
          });
    // One station named: its fields at the top as well, as the answer was before several could be.
    if (options.json)
      return printJson(refs.length === 1 ? { ...approved, ...approved.approved[0] } : approved);
    printLines(
      ...approved.approved.map((a) =>
        a.awaiting.length === 0
          ? `Consented (seq ${approved.seq}): ${a.member.slice(0, 8)} is now a participant of the line.`
          : `Consented (seq ${approved.seq}): ${a.member.slice(0, 8)} still awaits the consent of ${a.awaiting.map((w) => w.slice(0, 8)).join(", ")}.`,
      ),
    );
  });
}
