import type { Command } from "commander";
import { runningStation } from "../api/mod.js";
import { HotlineError } from "../record/mod.js";
import { initStation, migrateStore, stationPaths } from "../station/mod.js";
import { type CommonOptions, withCommon, withStation } from "./common.js";
import { cliIo } from "./io.js";
import { printJson, printLines, twoColumns } from "./output.js";

/**
 * `hotline init`, `hotline whoami` and `hotline migrate-store`.
 *
 * @param program the root command
 */
export function registerStationCommands(program: Command): void {
  withCommon(
    program
      .command("init")
      .description("create a station: identity key, TLS certificate, database and an admin operator")
      .requiredOption("--name <name>", "the station's name, e.g. Washington")
      .option("--listen <host:port>", "peer endpoint (mutual TLS)", "127.0.0.1:7443")
      .option("--api <host:port>", "operator API and console", "127.0.0.1:7080")
      .option("--url <url>", "the URL peers reach this station at (default https:// + --listen)")
      .option("--lang <tag>", "the station's working language", "en")
      .option(
        "--store <url>",
        "keep the record in PostgreSQL, postgres://USER:PASSWORD@HOST:PORT/DATABASE (default $HOTLINE_DATABASE_URL, else hotline.db in the data directory)",
      )
      .option(
        "--api-name <name>",
        "a name the operator API is reached as besides its address, HOST or HOST:PORT (repeatable)",
        (name: string, names: string[]) => [...names, name],
        [] as string[],
      )
      .option("--api-cert <file>", "the operator API's certificate (PEM) when it is not on loopback")
      .option("--api-key <file>", "the operator API's private key (PEM), with --api-cert")
      .option(
        "--api-insecure-http",
        "serve the operator API over plain HTTP though --api is not loopback (passwords and tokens in clear)",
      ),
  ).action(
    async (
      options: CommonOptions & {
        name: string;
        listen: string;
        api: string;
        url?: string;
        lang: string;
        store?: string;
        apiName: string[];
        apiCert?: string;
        apiKey?: string;
        apiInsecureHttp?: boolean;
      },
    ) => {
      const result = await initStation({
        dir: options.dir,
        name: options.name,
        listen: options.listen,
        api: options.api,
        url: options.url,
        lang: options.lang,
        store: options.store ?? (cliIo().env.HOTLINE_DATABASE_URL || undefined),
        apiNames: options.apiName,
        apiCert: options.apiCert,
        apiKey: options.apiKey,
        apiInsecureHttp: options.apiInsecureHttp,
      });
      if (options.json) {
        printJson({
          id: result.id,
          name: result.name,
          fingerprint: result.fingerprint,
          cert: result.cert,
          url: result.url,
          dir: result.dir,
          store: result.store,
          admin: result.admin,
        });
        return;
      }
      printLines(
        `Station ${result.name} created in ${result.dir}`,
        ...twoColumns([
          ["id", result.id],
          ["fingerprint", result.fingerprint],
          ["certificate", result.cert],
          ["peer URL", result.url],
          ["record", result.store],
        ]),
        "",
        `Operator '${result.admin.user}' (admin), password: ${result.admin.password}`,
        "This password is shown once and stored only as a hash: write it down now.",
      );
    },
  );

  withCommon(program.command("whoami").description("show this station's id, fingerprint and URL")).action(
    async (options: CommonOptions) => {
      await withStation(options, (station) => {
        const me = station.whoami();
        if (options.json) return printJson(me);
        printLines(
          `Station ${me.name}`,
          ...twoColumns([
            ["id", me.id],
            ["fingerprint", me.fingerprint],
            ["certificate", me.cert],
            ["peer URL", me.url],
            ["record", me.store],
          ]),
        );
      });
    },
  );

  withCommon(
    program
      .command("migrate-store")
      .description("move a stopped station's record from its SQLite file into an empty PostgreSQL database")
      .requiredOption("--to <url>", "the database, postgres://USER:PASSWORD@HOST:PORT/DATABASE"),
  ).action(async (options: CommonOptions & { to: string }) => {
    if (runningStation(stationPaths(options.dir)) !== null) {
      throw new HotlineError(
        "STATION_RUNNING",
        "Cannot migrate the store while the station runs: stop it first ('hotline start' stopped with Ctrl-C or SIGTERM)",
      );
    }
    const migrated = await migrateStore({ dir: options.dir, to: options.to });
    if (options.json) return printJson(migrated);
    const rows = Object.values(migrated.tables).reduce((sum, n) => sum + n, 0);
    printLines(
      `Record moved to ${migrated.store}: ${rows} rows in ${Object.keys(migrated.tables).length} tables, ${migrated.entries} entries verified before and after.`,
      `The SQLite file is kept as ${migrated.kept} (not used any more: keep it until you have a backup of the database).`,
      "Start the station as before ('hotline start'): it reads store.url in its data directory.",
    );
  });
}
