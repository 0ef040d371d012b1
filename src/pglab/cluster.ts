import { execFile, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where Debian's PostgreSQL 15 keeps its server programs (`apt-get install postgresql`). */
export const POSTGRES_BIN = process.env.HOTLINE_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** A throwaway PostgreSQL server: its own directory, a loopback port, trust authentication. */
export interface PostgresServer {
  /** the data directory (removed by `stop`) */
  readonly dir: string;
  readonly port: number;
  /** the superuser to connect as */
  readonly user: string;
  /**
   * @param database a database on this server (default `postgres`)
   * @returns its connection URL
   */
  url(database?: string): string;
  /**
   * Creates an empty database.
   *
   * @param name its name (letters, digits and `_`)
   * @returns its connection URL
   */
  createDatabase(name: string): Promise<string>;
  /** Stops the server at once (`pg_ctl stop -m immediate`: like a crash) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * @returns whether this machine has the PostgreSQL server programs
 */
export function havePostgres(): boolean {
  return existsSync(join(POSTGRES_BIN, "initdb"));
}

/**
 * PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user Debian's
 * package creates (the directory is given to it); otherwise as whoever runs this.
 *
 * @returns the user to run the server programs as, or null for this process's own
 */
function serverUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (id.status !== 0 || gid.status !== 0) {
    throw new Error("Cannot start PostgreSQL as root without a 'postgres' user: apt-get install postgresql");
  }
  return { name: "postgres", uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Runs one of PostgreSQL's programs, as the server's user.
 *
 * @param program e.g. `initdb`
 * @param args its arguments
 * @returns what it printed
 */
export async function postgresProgram(program: string, args: readonly string[]): Promise<string> {
  const user = serverUser();
  const path = join(POSTGRES_BIN, program);
  const { stdout } =
    user === null
      ? await run(path, [...args], { maxBuffer: 16 * 1024 * 1024 })
      : await run("runuser", ["-u", user.name, "--", path, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/**
 * Makes a directory the server's user owns.
 *
 * @param prefix the temporary directory's name prefix
 * @returns its path (mode 0700)
 */
export function serverDirectory(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o700);
  const user = serverUser();
  if (user !== null) chownSync(dir, user.uid, user.gid);
  return dir;
}

/** @returns a TCP port on 127.0.0.1 that was free a moment ago */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** @returns the name the server's superuser gets (the server's own user) */
export function superuserName(): string {
  return serverUser()?.name ?? (process.env.USER || "postgres");
}

/**
 * Makes a new cluster: initdb with trust authentication on loopback (its pg_hba also lets
 * replication connections in from 127.0.0.1, which a replicated pair needs).
 *
 * @param data the cluster's data directory (created)
 * @param user its superuser
 */
export async function initCluster(data: string, user: string): Promise<void> {
  await postgresProgram("initdb", [
    "-D",
    data,
    "-U",
    user,
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C",
    "--no-instructions",
  ]);
}

/**
 * Starts a cluster's server on a loopback port and waits until it accepts connections. The port
 * was free when chosen, but another server (a test beside this one) may take it first: a start
 * that fails is tried again on another port, twice; the last failure says what the log said.
 *
 * @param data the cluster's data directory
 * @param options `dir`: where its socket and log go; `settings`: extra server settings
 *   (`name=value`, as `postgres -c` takes them), after the defaults so they win
 * @returns the port it listens on
 */
export async function startCluster(
  data: string,
  options: { dir: string; log?: string; settings?: readonly string[] },
): Promise<number> {
  const log = options.log ?? join(options.dir, "server.log");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const settings = [
      `port=${port}`,
      "listen_addresses=127.0.0.1",
      `unix_socket_directories=${options.dir}`,
      "max_connections=200",
      "shared_buffers=64MB",
      ...(options.settings ?? []),
    ];
    try {
      await postgresProgram("pg_ctl", [
        "-D",
        data,
        "-l",
        log,
        "-w",
        "-t",
        "60",
        "-o",
        settings.map((s) => `-c ${s}`).join(" "),
        "start",
      ]);
      return port;
    } catch (error) {
      if (attempt >= 3) {
        const said = existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-8).join("\n") : "";
        throw new Error(`${(error as Error).message}\nthe server's log ended:\n${said}`, { cause: error });
      }
    }
  }
}

/**
 * Stops a cluster's server at once (`pg_ctl stop -m immediate`: no checkpoint, clients cut
 * off, like a crash).
 *
 * @param data the cluster's data directory
 */
export async function crashCluster(data: string): Promise<void> {
  await postgresProgram("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
}

/**
 * Creates an empty database.
 *
 * @param port the server's port on 127.0.0.1
 * @param user its superuser
 * @param name the database's name (letters, digits and `_`)
 */
export async function createDatabaseOn(port: number, user: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Cannot create database ${name}: a bad name`);
  await postgresProgram("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", user, name]);
}

/**
 * Starts a throwaway PostgreSQL server (initdb into a temporary directory, then `pg_ctl start`)
 * for tests, the bench and trying the deployment guide on one machine. Durable as production is
 * (fsync on, synchronous commit), so what it measures is what a station would see.
 *
 * @param options `settings`: extra server settings (`name=value`, as `postgres -c` takes them)
 * @returns the running server
 */
export async function startPostgres(options: { settings?: readonly string[] } = {}): Promise<PostgresServer> {
  const user = superuserName();
  const dir = serverDirectory("hotline-pg-");
  const data = join(dir, "data");
  await initCluster(data, user);
  const port = await startCluster(data, { dir, settings: options.settings ?? [] });
  const url = (database = "postgres"): string => `postgres://${user}@127.0.0.1:${port}/${database}`;
  return {
    dir,
    port,
    user,
    url,
    async createDatabase(name) {
      await createDatabaseOn(port, user, name);
      return url(name);
    },
    async stop() {
      try {
        await crashCluster(data);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
