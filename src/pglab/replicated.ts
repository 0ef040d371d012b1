import { rmSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import {
  crashCluster,
  createDatabaseOn,
  initCluster,
  postgresProgram,
  serverDirectory,
  startCluster,
  superuserName,
} from "./cluster.js";

/** The standby's name, as the primary's `synchronous_standby_names` waits for it. */
const STANDBY_NAME = "hotline_standby";

/**
 * A throwaway PostgreSQL primary with a synchronous streaming-replication standby: what a
 * Patroni or pg_auto_failover pair looks like to a client, without the manager (the test plays
 * it: {@link ReplicatedPostgres.killPrimary}, then {@link ReplicatedPostgres.promoteStandby}).
 */
export interface ReplicatedPostgres {
  /** the directory holding both servers' data (removed by `stop`) */
  readonly dir: string;
  /** the first server's port: the primary until it is killed */
  readonly primaryPort: number;
  /** the second server's port: the standby until it is promoted */
  readonly standbyPort: number;
  /** the superuser to connect as */
  readonly user: string;
  /**
   * @param database a database on the pair (default `postgres`)
   * @returns the multi-host URL naming both servers with `target_session_attrs=primary`, so a
   *   client connects to whichever of the two takes writes. Not `read-write`: postgres.js 4.2
   *   decides read-write from `default_transaction_read_only` alone, so it takes a hot standby
   *   (where that is off) for a writer and its writes fail with 25006 until a promotion;
   *   `primary` looks at `in_hot_standby` (libpq's read-write looks at both).
   */
  url(database?: string): string;
  /**
   * @param database a database on the pair (default `postgres`)
   * @returns a URL naming the standby's server alone (reads, while it is a standby)
   */
  standbyUrl(database?: string): string;
  /**
   * Creates an empty database on the primary (it reaches the standby through replication).
   *
   * @param name its name (letters, digits and `_`)
   * @returns its multi-host URL
   */
  createDatabase(name: string): Promise<string>;
  /** Stops the primary at once (`pg_ctl stop -m immediate`): its clients are cut off, as in a crash. */
  killPrimary(): Promise<void>;
  /** Promotes the standby (`pg_ctl promote`) and waits until it accepts writes. */
  promoteStandby(): Promise<void>;
  /** Stops whichever servers still run and removes the directory. */
  stop(): Promise<void>;
}

/**
 * Starts a primary and a synchronous streaming-replication standby (initdb for the primary,
 * `pg_basebackup -R` for the standby), each on its own loopback port. A commit on the primary is
 * acknowledged only once the standby has flushed it (`synchronous_standby_names`,
 * `synchronous_commit=on`), so whatever a client was told is committed survives the primary's
 * loss and the standby's promotion. Replication connections come in through initdb's own pg_hba
 * lines (`host replication all 127.0.0.1/32 trust`).
 *
 * @param options `settings`: extra settings for both servers (`name=value`)
 * @returns the running pair, once the standby is streaming and synchronous
 */
export async function startReplicatedPostgres(
  options: { settings?: readonly string[] } = {},
): Promise<ReplicatedPostgres> {
  const user = superuserName();
  const dir = serverDirectory("hotline-pgrepl-");
  const primaryData = join(dir, "primary");
  const standbyData = join(dir, "standby");
  let primaryPort = 0;
  let standbyPort = 0;
  const running = new Set<string>();
  const common = ["wal_level=replica", "max_wal_senders=4", "hot_standby=on", ...(options.settings ?? [])];
  try {
    await initCluster(primaryData, user);
    primaryPort = await startCluster(primaryData, {
      dir,
      log: join(dir, "primary.log"),
      settings: [...common, `synchronous_standby_names='${STANDBY_NAME}'`, "synchronous_commit=on"],
    });
    running.add(primaryData);
    await postgresProgram("pg_basebackup", [
      "-h",
      "127.0.0.1",
      "-p",
      String(primaryPort),
      "-U",
      user,
      "-D",
      standbyData,
      "-X",
      "stream",
      "-R",
      "-c",
      "fast",
    ]);
    // cluster_name is what the standby's WAL receiver calls itself to the primary
    // (application_name), which synchronous_standby_names names. Not set on the standby:
    // promoted, it has no standby of its own to wait for.
    standbyPort = await startCluster(standbyData, {
      dir,
      log: join(dir, "standby.log"),
      settings: [...common, `cluster_name=${STANDBY_NAME}`],
    });
    running.add(standbyData);
    await untilSynchronous(`postgres://${user}@127.0.0.1:${primaryPort}/postgres`);
  } catch (error) {
    for (const data of running) await crashCluster(data).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let writerPort = primaryPort;
  const url = (database = "postgres"): string =>
    `postgres://${user}@127.0.0.1:${primaryPort},127.0.0.1:${standbyPort}/${database}?target_session_attrs=primary`;
  return {
    dir,
    primaryPort,
    standbyPort,
    user,
    url,
    standbyUrl: (database = "postgres") => `postgres://${user}@127.0.0.1:${standbyPort}/${database}`,
    async createDatabase(name) {
      await createDatabaseOn(writerPort, user, name);
      return url(name);
    },
    async killPrimary() {
      if (!running.has(primaryData)) return;
      await crashCluster(primaryData);
      running.delete(primaryData);
    },
    async promoteStandby() {
      await postgresProgram("pg_ctl", ["-D", standbyData, "-w", "-t", "60", "promote"]);
      writerPort = standbyPort;
      await untilWritable(`postgres://${user}@127.0.0.1:${standbyPort}/postgres`);
    },
    async stop() {
      try {
        for (const data of running) await crashCluster(data).catch(() => {});
        running.clear();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Polls a server until its condition holds (these are setup steps of a few seconds at most).
 *
 * @param url the server
 * @param holds the check, on a fresh connection
 * @param what what is awaited, for the error
 */
async function until(
  url: string,
  holds: (sql: postgres.Sql) => Promise<boolean>,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      if (await holds(sql)) return;
    } catch {
      // not up yet: try again
    } finally {
      await sql.end({ timeout: 1 });
    }
    if (Date.now() > deadline) throw new Error(`Cannot start the replicated PostgreSQL: ${what} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the primary sees its standby streaming as synchronous. */
async function untilSynchronous(url: string): Promise<void> {
  await until(
    url,
    async (sql) => {
      const rows = await sql<{ sync_state: string }[]>`
        SELECT sync_state FROM pg_stat_replication WHERE application_name = ${STANDBY_NAME}`;
      return rows[0]?.sync_state === "sync";
    },
    "the standby is not streaming synchronously",
  );
}

/** Waits until a promoted server has left recovery and takes writes. */
async function untilWritable(url: string): Promise<void> {
  await until(
    url,
    async (sql) => {
      const [row] = await sql<{ recovering: boolean }[]>`SELECT pg_is_in_recovery() AS recovering`;
      return row?.recovering === false;
    },
    "the promoted standby does not take writes",
  );
}
