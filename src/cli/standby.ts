import type { Command } from "commander";
import { runningStation } from "../api/mod.js";
import { HotlineError } from "../record/mod.js";
import { setUpStandby, stationPaths } from "../station/mod.js";
import { asOption, type CommonOptions } from "./common.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline standby-setup`: the second host of an active/standby pair.
 *
 * @param program the root command
 */
export function registerStandbyCommand(program: Command): void {
  program
    .command("standby-setup")
    .description(
      "prepare a second host's data directory for this station (same identity and store, its own addresses); the station must be stopped",
    )
    .requiredOption("--from <dir>", "the station's data directory")
    .requiredOption("--dir <dir>", "the second host's data directory (new or empty)")
    .requiredOption("--listen <host:port>", "where the second host listens for peers")
    .requiredOption("--api <host:port>", "the second host's operator API")
    .option("--url <url>", "where peers reach the second host (default https:// + --listen)")
    .option("--route <name>", "the second host's route name", "second-host")
    .option("--json", "print one JSON document on stdout")
    .addOption(asOption())
    .action(
      async (
        options: Omit<CommonOptions, "dir"> & {
          from: string;
          dir: string;
          listen: string;
          api: string;
          url?: string;
          route: string;
          as: string;
        },
      ) => {
        // Its route is written with the station's key into the record: no other process may write meanwhile.
        if (runningStation(stationPaths(options.from)) !== null) {
          throw new HotlineError(
            "STATION_RUNNING",
            `Cannot set up the standby: the station in ${stationPaths(options.from).dir} is running; stop it first`,
          );
        }
        const made = await setUpStandby({
          from: options.from,
          dir: options.dir,
          listen: options.listen,
          api: options.api,
          url: options.url,
          route: options.route,
          operator: options.as,
        });
        if (options.json) return printJson(made);
        printLines(
          `Standby prepared in ${made.dir}: route '${made.route.name}' ${made.route.url} (listening on ${made.route.listen}), announced on every line.`,
          `The first host serves ${made.fromServes.join(", ")}; both share the record at ${made.store}.`,
          "Start both with 'hotline start --dir …': the first to take the lease is the active one.",
        );
      },
    );
}
