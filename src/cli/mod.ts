/**
 * The `hotline` command line, and the running station it starts (`hotline start`), for the demo,
 * the bench and tests that run it in their own process.
 *
 * @module
 */
export { buildProgram, main, runCli } from "./main.js";
export { startStation } from "./runtime.js";
export type { RunningStation, StartOptions } from "./runtime.js";
