import type { Command } from "commander";
import { runningStation } from "../api/mod.js";
import { PERMISSIONS, requireRole, stationPaths } from "../station/mod.js";
import { asOption, type CommonOptions, withCommon, withStation } from "./common.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline key rotate`: a new identity key for this station, announced on every line; `hotline key
 * ack`: a peer's key change acknowledged here once its new safety code was read aloud. Through the
 * running station when there is one, else on the data directory directly.
 *
 * @param program the root command
 */
export function registerKeyCommands(program: Command): void {
  const key = program.command("key").description("the station's identity key");
  withCommon(
    key
      .command("rotate")
      .description(
        "make a new identity key and announce it on every line (signed by the old key and the new); the old key is deleted",
      )
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { as: string }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const rotated =
      api === null
        ? await withStation(options, async (station) => {
            await requireRole(station, options.as, PERMISSIONS.rotateKey);
            return await station.rotateKey({ operator: options.as });
          })
        : await api.call("POST /api/key/rotate", {});
    if (options.json) return printJson(rotated);
    printLines(
      `Key rotated. New key fingerprint: ${rotated.fingerprint}`,
      ...rotated.lines.map((l) => `  announced on ${l.name} (seq ${l.seq})`),
      "Safety codes changed: read the new code aloud with each peer's operators ('hotline lines').",
    );
  });
  withCommon(
    key
      .command("ack")
      .description("acknowledge that a peer's key changed and its new safety code was read aloud")
      .argument("<station>", "the peer: its id, a unique id prefix, or its name")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .addOption(asOption()),
  ).action(async (ref: string, options: CommonOptions & { line: string; as: string }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const acked =
      api === null
        ? await withStation(options, async (station) => {
            await requireRole(station, options.as, PERMISSIONS.ackKeyChange);
            return await station.acknowledgeKeyChange({
              line: options.line,
              member: ref,
              operator: options.as,
            });
          })
        : await api.call("POST /api/lines/:line/members/:station/key-change/ack", {
            params: { line: options.line, station: ref },
          });
    if (options.json) return printJson(acked);
    printLines(
      `Acknowledged: ${acked.station.slice(0, 8)}'s new key, safety code ${acked.safetyCode ?? "-"}.`,
    );
  });
}
