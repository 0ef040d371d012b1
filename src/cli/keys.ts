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
      .command("revoke")
      .description(
        "revoke this station's key, believed stolen since TIME: a new key, announced on every line in an entry signed by the new key; prints a re-pairing token per line and each peer's new safety code, to be carried out of band",
      )
      .requiredOption(
        "--since <time>",
        "since when the key is believed stolen (ISO 8601, e.g. 2026-12-07T09:00:00Z)",
      )
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { since: string; as: string }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const revoked =
      api === null
        ? await withStation(options, async (station) => {
            await requireRole(station, options.as, PERMISSIONS.revokeKey);
            return await station.revokeKey({ since: options.since, operator: options.as });
          })
        : await api.call("POST /api/key/revoke", { body: { since: options.since } });
    if (options.json) return printJson(revoked);
    printLines(
      `Key revoked (believed stolen since ${revoked.since}). New key fingerprint: ${revoked.fingerprint}`,
      ...revoked.lines.flatMap((l) => [
        `  ${l.name} (seq ${l.seq}): give each peer's operators this token, by a channel you trust:`,
        `    ${l.token}`,
        ...l.peers.map((p) => `    read aloud with ${p.name}: safety code ${p.safetyCode}`),
      ]),
      "Until a peer's admin accepts the token ('hotline key accept --token …'), it holds what this station writes.",
    );
  });
  withCommon(
    key
      .command("accept")
      .description(
        "accept a peer's new key after it revoked its old one: the re-pairing token its operators gave you, once the new safety code was read aloud with them",
      )
      .requiredOption("--token <token>", "the hotline-revocation: token")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { token: string; as: string }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const accepted =
      api === null
        ? await withStation(options, async (station) => {
            await requireRole(station, options.as, PERMISSIONS.acceptKey);
            return await station.acceptRevocation({ token: options.token, operator: options.as });
          })
        : await api.call("POST /api/key/accept", { body: { token: options.token } });
    if (options.json) return printJson(accepted);
    printLines(
      `Accepted ${accepted.station.slice(0, 8)}'s new key (its old one revoked since ${accepted.since}); safety code now ${accepted.safetyCode}.`,
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
