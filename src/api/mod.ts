/**
 * The operator API (what the CLI and the console use) and its client.
 *
 * @module
 */
export { buildApiServer, OPERATOR_HEADER } from "./server.js";
export { ApiClient, runningStation } from "./client.js";
