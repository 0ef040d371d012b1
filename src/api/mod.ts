/**
 * The operator API (what the CLI and the console use) and its client.
 *
 * @module
 */
export { buildApiServer, OPERATOR_HEADER } from "./server.js";
export { ApiClient, runningStation, runtimeFiles } from "./client.js";
export type { LockInfo } from "./client.js";
export { apiTransport } from "./tls.js";
export { consolePage, serveConsoleFiles } from "./console.js";
