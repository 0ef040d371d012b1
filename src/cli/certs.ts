import type { Command } from "commander";
import { PERMISSIONS, renewCertificate } from "../station/mod.js";
import { asOption, type CommonOptions, viaStation, withCommon } from "./common.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline cert renew`.
 *
 * @param program the root command
 */
export function registerCertCommands(program: Command): void {
  const cert = program.command("cert").description("the station's TLS certificate");
  withCommon(
    cert
      .command("renew")
      .description(
        "make a new TLS certificate and announce it on every line; peers re-pin it, no pairing again",
      )
      .option("--valid-days <days>", "how many days it is valid (default 20 years)", (v) =>
        Number.parseInt(v, 10),
      )
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { as: string; validDays?: number }) => {
    const renewed = await viaStation(
      options,
      PERMISSIONS.renewCert,
      (api) =>
        api.call("POST /api/cert/renew", {
          body: options.validDays === undefined ? {} : { validDays: options.validDays },
        }),
      (station) => renewCertificate(station, { operator: options.as, validDays: options.validDays }),
    );
    if (options.json) return printJson(renewed);
    printLines(
      `New certificate ${renewed.cert} (valid until ${renewed.notAfter}), announced on ${renewed.lines} line(s).`,
      renewed.switched
        ? "The station presents it now."
        : "The station presents the old one until every participant has receipted the renewal, then switches by itself (no restart).",
    );
  });
}
