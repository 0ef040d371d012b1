import { isHotlineError } from "../record/mod.js";
import { cliIo } from "./io.js";

/** Exit codes: 0 ok, 1 the command failed, 2 it was used wrongly. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Prints one JSON document on stdout.
 *
 * @param value what to print
 */
export function printJson(value: unknown): void {
  cliIo().stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Prints lines for a person on stdout.
 *
 * @param lines the lines
 */
export function printLines(...lines: string[]): void {
  cliIo().stdout.write(`${lines.join("\n")}\n`);
}

/**
 * Reports an error on stderr as `error CODE: message` and says which exit code it deserves.
 *
 * @param error anything thrown
 * @returns the exit code
 */
export function reportError(error: unknown): number {
  const io = cliIo();
  if (isHotlineError(error)) {
    io.stderr.write(`error ${error.code}: ${error.message}\n`);
    return EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`error INTERNAL: ${message}\n`);
  if (io.env.HOTLINE_DEBUG && error instanceof Error) io.stderr.write(`${error.stack ?? ""}\n`);
  return EXIT.failure;
}

/**
 * A table of two columns for people: labels padded to the widest.
 *
 * @param rows label and value pairs
 * @returns the lines
 */
export function twoColumns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}
