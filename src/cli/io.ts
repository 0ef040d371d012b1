import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Where one run of the CLI reads and writes: the process's own streams and environment when a
 * user runs `hotline`, or a test's captured ones when the test runs the program in its own process
 * (many runs at once, each with its own; see `runCli` in main.ts).
 */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: AsyncIterable<Buffer | string>;
  env: Readonly<Record<string, string | undefined>>;
  /** the exit code so far: undefined until a command sets one (then 0) */
  exitCode: number | undefined;
}

/** The process's own: what `bin/hotline.js` runs with. */
export const processIo: CliIo = {
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  get stdin() {
    return process.stdin as AsyncIterable<Buffer>;
  },
  get env() {
    return process.env;
  },
  get exitCode() {
    const code = process.exitCode;
    return code === undefined ? undefined : Number(code);
  },
  set exitCode(code: number | undefined) {
    process.exitCode = code;
  },
};

const current = new AsyncLocalStorage<CliIo>();

/** @returns the streams and environment of the CLI run in progress (the process's outside one) */
export function cliIo(): CliIo {
  return current.getStore() ?? processIo;
}

/**
 * Runs `fn` with `io` as the CLI's streams and environment, for everything it awaits.
 *
 * @param io the streams and environment
 * @param fn what to run
 * @returns what fn returns
 */
export function withCliIo<T>(io: CliIo, fn: () => Promise<T>): Promise<T> {
  // The process's own streams need no context: cliIo() falls back to them. Running a station
  // (\`hotline start\`) inside an AsyncLocalStorage would turn on promise hooks for the whole
  // process, a cost on every promise (see src/store/tx-guard.ts); only in-process runs with
  // captured streams (tests) pay it.
  if (io === processIo) return fn();
  return current.run(io, fn);
}
