import { type Command, InvalidArgumentError, Option } from "commander";
import { runningStation, type ApiClient } from "../api/mod.js";
import { HotlineError, PRECEDENCES, type Precedence } from "../record/mod.js";
import { Station, requireRole, stationPaths, type Permission } from "../station/mod.js";

/** Options every command takes. */
export interface CommonOptions {
  dir?: string;
  json?: boolean;
}

/**
 * Adds `--dir` and `--json` to a command.
 *
 * @param command a command
 * @returns the same command
 */
export function withCommon(command: Command): Command {
  return command
    .option("--dir <dir>", "the station's data directory (default $HOTLINE_DIR, else ./.hotline)")
    .option("--json", "print one JSON document on stdout");
}

/**
 * Opens the station for one command and closes it afterwards, whatever happens.
 *
 * @param options the command's options
 * @param fn what to do with the station
 * @returns what fn returns
 */
export async function withStation<T>(
  options: CommonOptions,
  fn: (station: Station) => T | Promise<T>,
): Promise<T> {
  const station = await Station.open({ dir: options.dir });
  try {
    return await fn(station);
  } finally {
    await station.close();
  }
}

/**
 * Runs a command through the running station's operator API when it runs (so the station that
 * holds the lock does the work), else on the station opened here, as the operator `--as` names,
 * after checking that operator's role.
 *
 * @param options the command's options, with `--as`
 * @param permission who may do this (a `PERMISSIONS` entry)
 * @param remote what to ask the running station
 * @param local what to do on the opened station
 * @returns what either gives
 */
export async function viaStation<T>(
  options: CommonOptions & { as: string },
  permission: Permission,
  remote: (api: ApiClient) => Promise<T>,
  local: (station: Station) => T | Promise<T>,
): Promise<T> {
  const api = runningStation(stationPaths(options.dir), options.as);
  if (api !== null) return remote(api);
  return await withStation(options, async (station) => {
    await requireRole(station, options.as, permission);
    return local(station);
  });
}

/** `--precedence`, case-insensitive. */
export function precedenceOption(): Option {
  return new Option("--precedence <precedence>", `FLASH, IMMEDIATE, PRIORITY or ROUTINE`).argParser(
    (value: string): Precedence => {
      const upper = value.toUpperCase();
      if (!(PRECEDENCES as readonly string[]).includes(upper)) {
        throw new InvalidArgumentError(`choose one of ${PRECEDENCES.join(", ")}`);
      }
      return upper as Precedence;
    },
  );
}

/** `--as NAME`: the operator a command acts for. */
export function asOption(): Option {
  return new Option("--as <operator>", "the operator to act as").default("admin");
}

/**
 * @param message what was used wrongly
 * @returns an error the CLI turns into exit code 2
 */
export function usageError(message: string): HotlineError {
  return new UsageError(message);
}

/** A command used wrongly: exit 2. */
export class UsageError extends HotlineError {
  constructor(message: string) {
    super("USAGE", message);
    this.name = "UsageError";
  }
}
