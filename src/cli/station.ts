import type { Command } from "commander";
import { initStation } from "../station/mod.js";
import { type CommonOptions, withCommon, withStation } from "./common.js";
import { cliIo } from "./io.js";
import { printJson, printLines, twoColumns } from "./output.js";

/**
 * `hotline init` and `hotline whoami`.
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
}
