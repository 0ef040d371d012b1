import type { Command } from "commander";
import pino, { type Logger } from "pino";
import { runningStation } from "../api/mod.js";
import { HotlineError } from "../record/mod.js";
import {
  createInvite,
  PERMISSIONS,
  readConfig,
  requireRole,
  stationPaths,
  statusOf,
} from "../station/mod.js";
import { asOption, type CommonOptions, usageError, withCommon, withStation } from "./common.js";
import { cliIo } from "./io.js";
import { printJson, printLines } from "./output.js";
import { startPair } from "./role.js";
import { startStation } from "./runtime.js";

/**
 * `hotline start`, `invite`, `accept` and `status`.
 *
 * @param program the root command
 */
export function registerPeerCommands(program: Command): void {
  withCommon(
    program
      .command("start")
      .description("run the station: peer endpoint (on every route's address), operator API, outbox")
      .option(
        "--listen <HOST:PORT>",
        "listen for peers only here, not on every route's address (repeatable)",
        (value: string, previous: string[] = []) => [...previous, value],
      ),
  ).action(async (options: CommonOptions & { listen?: string[] }) => {
    const logger = pino(
      cliIo().stdout.isTTY
        ? { transport: { target: "pino-pretty", options: { translateTime: "UTC:yyyy-mm-dd HH:MM:ss.l'Z'" } } }
        : {},
    );
    if (readConfig(stationPaths(options.dir)).pair !== undefined) {
      if (options.listen !== undefined) {
        throw usageError(
          "Cannot use --listen for one of an active/standby pair: it serves its own routes (pair.serves)",
        );
      }
      return await runPair(options.dir, logger);
    }
    const running = await startStation({ dir: options.dir, logger, listen: options.listen });
    cliIo().stdout.write(
      `Station ${running.station.config.name} running: peer ${running.peerUrl} (listening on ${running.peerListen.join(", ")}), operator API ${running.apiUrl} (Ctrl-C stops)\n`,
    );
    if (running.apiInsecure) {
      cliIo().stderr.write(
        `WARNING: the operator API at ${running.station.config.api} is plain HTTP off loopback (--api-insecure-http): passwords, the API token and session cookies cross the network in clear.\n`,
      );
    }
    await untilSignalled(logger, () => running.stop());
  });

  withCommon(
    program
      .command("invite")
      .description("make a one-time invite to a line, to pass to the other station's operator")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .option("--expires <duration>", "how long the invite stays good, e.g. 30m, 24h, 7d", "24h")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { line: string; expires: string; as: string }) => {
    const expiresInMs = parseDuration(options.expires);
    const api = runningStation(stationPaths(options.dir), options.as);
    const made =
      api === null
        ? await withStation(options, async (station) => {
            await requireRole(station, options.as, PERMISSIONS.invite);
            return await createInvite(station, { line: options.line, expiresInMs, operator: options.as });
          })
        : await api.call("POST /api/invites", {
            body: { line: options.line, expiresInSeconds: Math.round(expiresInMs / 1000) },
          });
    if (options.json) return printJson(made);
    printLines(
      "Pass this invite to the other station's operator by a channel you trust; it works once, until",
      `${made.expires}:`,
      "",
      made.invite,
    );
  });

  withCommon(
    program
      .command("accept")
      .description("join a line with an invite (this station must be running)")
      .argument("<invite>", "the invite string")
      .addOption(asOption()),
  ).action(async (invite: string, options: CommonOptions & { as: string }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    if (api === null) {
      throw new HotlineError(
        "STATION_RUNNING",
        "Cannot accept an invite: start this station first ('hotline start')",
      );
    }
    const accepted = await api.call("POST /api/accept", { body: { invite } });
    if (options.json) return printJson(accepted);
    printLines(
      `Joined line ${accepted.line.slice(0, 12)} with ${accepted.peer.name}.`,
      `Safety code: ${accepted.safetyCode}`,
      `Read it aloud with ${accepted.peer.name}'s operator: both consoles must show the same digits.`,
    );
  });

  withCommon(program.command("status").description("lines, participants, contact and outbox")).action(
    async (options: CommonOptions) => {
      const api = runningStation(stationPaths(options.dir));
      const status =
        api === null
          ? await withStation(options, (station) => statusOf(station, null))
          : await api.call("GET /api/status");
      if (options.json) return printJson(status);
      printLines(
        ...(status.role === undefined
          ? []
          : [
              status.role === "active"
                ? `ACTIVE: this process holds the lease since ${status.activeSince ?? "?"}`
                : `STANDBY: ${status.active === undefined ? "no process is active now" : `the active is ${status.active.who} since ${status.activeSince ?? "?"}`}`,
            ]),
        `Station ${status.station.name} (${status.running ? "running" : "not running"}), record in ${status.station.store}`,
        ...status.lines.flatMap((line) => [
          `  ${line.name}  ${line.entries} entries  to acknowledge ${line.unacked}  awaiting acks ${line.awaitingAcks}${line.suspended === null ? "" : `  SUSPENDED since ${line.suspended.since} by ${line.suspended.by}: ${line.suspended.reason}`}`,
          ...line.participants.flatMap((p) => [
            `    ${p.name.padEnd(14)} ${p.health.toUpperCase().padEnd(8)} ${p.rttMs === null || p.health === "down" ? "" : `rtt ${p.rttMs} ms  `}${p.connected ? "connected" : "not connected"}  last contact ${p.lastContact ?? "never"}  outbox ${p.outbox}`,
            // More than one way to reach it: name each, and the one that carries the traffic.
            ...(p.routes.length > 1
              ? [
                  `      routes: ${p.routes.map((r) => `${r.name} ${r.url}${r.active ? " (active)" : ""} ${r.standby ? "standby" : r.health}`).join(", ")}`,
                ]
              : []),
            // It revoked its key: nothing more of it is taken here until an admin accepts the new one.
            ...(p.revokedKey === null
              ? []
              : [
                  `      REVOKED ITS KEY (believed stolen since ${p.revokedKey.since}): what it writes next waits here until an admin, having read the new safety code aloud with its operators, runs 'hotline key accept --token …'`,
                ]),
            // Every route down, but reached through a third participant: say so, and through whom.
            ...(p.relay === null
              ? []
              : [
                  `      reached only through ${p.relay.viaName} since ${p.relay.since.slice(11, 19)}Z (every route to it is down; its entries and receipts come relayed, last heard ${p.relay.lastHeard.slice(11, 19)}Z)`,
                ]),
          ]),
        ]),
      );
    },
  );
}

/** Waits for SIGINT or SIGTERM, then stops. */
async function untilSignalled(logger: Logger, stop: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    const stopOn = (signal: string) => {
      logger.info({ event: "station.stopping", signal }, "stopping");
      void stop().then(resolve);
    };
    process.once("SIGINT", () => stopOn("SIGINT"));
    process.once("SIGTERM", () => stopOn("SIGTERM"));
  });
}

/** `hotline start` for one of an active/standby pair: standby until it holds the lease. */
async function runPair(dir: string | undefined, logger: Logger): Promise<void> {
  const pair = await startPair({ dir, logger });
  cliIo().stdout.write(
    `Station ${readConfig(stationPaths(dir)).name} running as one of an active/standby pair, now ${pair.role ?? "starting"} (Ctrl-C stops)\n`,
  );
  await untilSignalled(logger, () => pair.stop());
}

/**
 * @param text e.g. "90s", "30m", "24h", "7d"
 * @returns milliseconds
 */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (match === null) throw usageError(`Cannot read duration '${text}': write e.g. 90s, 30m, 24h or 7d`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}
