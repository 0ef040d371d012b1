/**
 * Throwaway PostgreSQL servers, from Debian's PostgreSQL binaries: for the store's tests on
 * PostgreSQL, the bench's PostgreSQL rows, and trying `docs/deployment.md` on one machine.
 * Nothing a running station needs.
 *
 * @module
 */
export {
  POSTGRES_BIN,
  freePort,
  havePostgres,
  postgresProgram,
  serverDirectory,
  startPostgres,
  type PostgresServer,
} from "./cluster.js";
export { startReplicatedPostgres, type ReplicatedPostgres } from "./replicated.js";
