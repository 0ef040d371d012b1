import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable, Writable } from "node:stream";
import { expect } from "vitest";
import { runCli } from "../../src/cli/main.js";

/** The built CLI, as a user runs it. */
export const HOTLINE_BIN = resolve(import.meta.dirname, "../../bin/hotline.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Standard input and extra environment for one run of the CLI. */
export interface CliOptions {
  input?: string;
  env?: Record<string, string>;
}

/**
 * Notes a spawned process in the file `$HOTLINE_TEST_SPAWNS` names, if any, by test file: how the
 * suite's cost is measured.
 */
export function countSpawn(): void {
  const log = process.env.HOTLINE_TEST_SPAWNS;
  if (log) appendFileSync(log, `${expect.getState().testPath ?? "?"}\n`);
}

/**
 * Runs the `hotline` program in this process, as a user would see it: its arguments, standard
 * input and environment (over this process's, with `HOTLINE_DIR` cleared unless given), and the
 * exit code, standard output and standard error it would have had. Much faster than a process;
 * use {@link hotlineProcess} where the process itself is under test.
 *
 * @param args its arguments
 * @param options standard input and extra environment
 * @returns exit code and output
 */
export async function hotline(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(["node", HOTLINE_BIN, ...args], {
    stdout,
    stderr,
    stdin: Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]),
    env: { ...process.env, HOTLINE_DIR: "", ...options.env },
    exitCode: undefined,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A writable stream that keeps what is written to it. */
class Capture extends Writable {
  text = "";

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void) {
    this.text += chunk.toString();
    done();
  }
}

/**
 * Runs the real `hotline` binary (built, in dist/) in a child process.
 *
 * @param args its arguments
 * @param options standard input and extra environment
 * @returns exit code and output
 */
export function hotlineProcess(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  countSpawn();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [HOTLINE_BIN, ...args], {
      env: { ...process.env, HOTLINE_DIR: "", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/**
 * Runs `hotline … --json` and parses what it printed; fails the test if it did not exit 0.
 *
 * @param args its arguments (without --json)
 * @returns the parsed JSON document
 */
export async function hotlineJson<T = unknown>(args: readonly string[]): Promise<T> {
  const result = await hotline([...args, "--json"]);
  if (result.code !== 0) {
    throw new Error(`hotline ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** A temporary directory that removes itself. */
export interface TempDir {
  path: string;
  join(...parts: string[]): string;
  /** Writes `value` as JSON to the file `name` in the directory, and returns the file's path. */
  writeJson(name: string, value: unknown): string;
  remove(): void;
}

/**
 * @param prefix a name for the directory
 * @returns a new, empty temporary directory
 */
export function tempDir(prefix = "hotline-test-"): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    join: (...parts) => join(path, ...parts),
    writeJson: (name, value) => {
      const file = join(path, name);
      writeFileSync(file, JSON.stringify(value));
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
