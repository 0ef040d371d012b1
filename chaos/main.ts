/**
 * `npm run chaos -- [--minutes N] [--stations K] [--seed S]`: stations as processes on one line,
 * every route behind a fault proxy, senders on every side and faults at random; it ends by healing
 * everything and checking that nothing accepted was lost or doubled, that the heads converge, that
 * `verify` is clean and that every fault raised its alarm and every alarm cleared. Progress goes to
 * stderr, the table to stdout; the exit code is 1 on any violation.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { FAULT_KINDS, type FaultKind } from "./_faults.js";
import { renderReport } from "./_report.js";
import { runChaos } from "./run.js";

const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
  }
  return n;
};
const minutes = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 24 * 60)
    throw new InvalidArgumentError("expected minutes, e.g. 10 or 0.5");
  return n;
};

const kinds = (value: string): FaultKind[] => {
  const list = value.split(",").map((k) => k.trim());
  const unknown = list.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0 || list.length === 0) {
    throw new InvalidArgumentError(`expected some of ${FAULT_KINDS.join(", ")}`);
  }
  return list as FaultKind[];
};

const program = new Command("chaos")
  .description(
    "Run hotline stations under random faults (route cuts, latency, loss, kill -9, SIGSTOP, clock skew, a full disk), then heal and check",
  )
  .option("--minutes <n>", "how long faults are injected", minutes, 5)
  .option("--stations <k>", "stations on the line (2 to 8)", integer(2, 8), 4)
  .option(
    "--seed <s>",
    "seed of every random draw: the same seed replays the same faults",
    integer(0, 2 ** 32 - 1),
  )
  .option(
    "--faults <kinds>",
    `only these kinds of fault, comma-separated (default all: ${FAULT_KINDS.join(", ")})`,
    kinds,
  )
  .option("--keep", "keep the stations' directories even when nothing was violated", false)
  .showHelpAfterError();
program.parse();
const options = program.opts<{
  minutes: number;
  stations: number;
  seed?: number;
  faults?: FaultKind[];
  keep: boolean;
}>();
const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);

const report = await runChaos({
  minutes: options.minutes,
  stations: options.stations,
  seed,
  ...(options.faults === undefined ? {} : { kinds: options.faults }),
  ...(options.keep ? { root: mkdtempSync(join(tmpdir(), "hotline-chaos-")) } : {}),
  progress: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
});
process.stdout.write(`${renderReport(report)}\n`);
process.exitCode = report.violations.length === 0 ? 0 : 1;
