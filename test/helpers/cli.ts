import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The built CLI, as a user runs it. */
export const HOTLINE_BIN = resolve(import.meta.dirname, "../../bin/hotline.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `hotline` binary in a child process.
 *
 * @param args its arguments
 * @param options standard input and extra environment
 * @returns exit code and output
 */
export function hotline(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
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
