import type { Command } from "commander";
import { runningStation, type ApiClient } from "../api/mod.js";
import {
  confirmEnrolment,
  disableSecondFactor,
  PERMISSIONS,
  resetSecondFactor,
  secondFactorStatus,
  startEnrolment,
  stationPaths,
  type Station,
} from "../station/mod.js";
import { asOption, type CommonOptions, viaStation, withCommon, withStation } from "./common.js";
import { printJson, printLines } from "./output.js";

type AsOptions = CommonOptions & { as: string };

/**
 * `hotline operator totp status | enrol | confirm | disable` (the operator `--as` names, its own
 * factor; the console is the main way) and `hotline operator reset-2fa NAME` (admins).
 *
 * @param operator the `operator` command
 */
export function registerSecondFactorCommands(operator: Command): void {
  const totp = operator
    .command("totp")
    .description("an operator's own TOTP second factor: status, enrol, confirm, disable");

  withCommon(
    totp
      .command("status")
      .description("whether the factor is on, and recovery codes left")
      .addOption(asOption()),
  ).action(async (options: AsOptions) => {
    const status = await ownFactor(
      options,
      (api) => api.call("GET /api/second-factor"),
      (station) => secondFactorStatus(station, options.as),
    );
    if (options.json) return printJson(status);
    printLines(
      status.on
        ? `Second factor of '${options.as}' is on; ${status.recoveryCodesLeft} recovery codes left.`
        : `Second factor of '${options.as}' is off${status.required ? " (required: admins must enrol)" : ""}.`,
    );
  });

  withCommon(
    totp
      .command("enrol")
      .description(
        "begin enrolment: prints the secret and its otpauth:// URI once (then 'totp confirm CODE')",
      )
      .addOption(asOption()),
  ).action(async (options: AsOptions) => {
    const enrolment = await ownFactor(
      options,
      async (api) => {
        const { secret, uri } = await api.call("POST /api/second-factor");
        return { secret, uri };
      },
      (station) => startEnrolment(station, options.as),
    );
    if (options.json) return printJson(enrolment);
    printLines(
      `Secret: ${enrolment.secret}`,
      `URI:    ${enrolment.uri}`,
      "Add it to an authenticator app (or make a QR code of the URI), then: hotline operator totp confirm CODE",
    );
  });

  withCommon(
    totp
      .command("confirm")
      .description("turn the factor on with a current code; prints the 10 recovery codes once")
      .argument("<code>", "the code the authenticator app shows")
      .addOption(asOption()),
  ).action(async (code: string, options: AsOptions) => {
    const confirmed = await ownFactor(
      options,
      (api) => api.call("POST /api/second-factor/confirm", { body: { code } }),
      (station) => confirmEnrolment(station, options.as, code),
    );
    if (options.json) return printJson(confirmed);
    printLines(
      `Second factor of '${options.as}' is on. Recovery codes (each signs in once; shown only now):`,
      ...confirmed.recoveryCodes.map((c) => `  ${c}`),
    );
  });

  withCommon(
    totp
      .command("disable")
      .description("turn the factor off with a current or recovery code (not for admins)")
      .argument("<code>", "a current code, or a recovery code")
      .addOption(asOption()),
  ).action(async (code: string, options: AsOptions) => {
    const status = await ownFactor(
      options,
      (api) => api.call("POST /api/second-factor/disable", { body: { code } }),
      (station) => disableSecondFactor(station, options.as, code),
    );
    if (options.json) return printJson(status);
    printLines(`Second factor of '${options.as}' is off.`);
  });

  withCommon(
    operator
      .command("reset-2fa")
      .description("remove an operator's second factor and end its sessions (a lost phone; admins only)")
      .argument("<name>", "the operator")
      .addOption(asOption()),
  ).action(async (name: string, options: AsOptions) => {
    const reset = await viaStation(
      options,
      PERMISSIONS.manageOperators,
      (api) => api.call("POST /api/operators/:name/reset-2fa", { params: { name } }),
      (station) => resetSecondFactor(station, name, { by: options.as }),
    );
    if (options.json) return printJson(reset);
    printLines(
      reset.reset
        ? `Second factor of '${reset.name}' removed; its sessions ended. It signs in with its password and enrols again.`
        : `Operator '${reset.name}' had no second factor.`,
    );
  });
}

/** Through the running station's API when it runs, else on the station opened here. */
async function ownFactor<T>(
  options: AsOptions,
  remote: (api: ApiClient) => Promise<T>,
  local: (station: Station) => T | Promise<T>,
): Promise<T> {
  const api = runningStation(stationPaths(options.dir), options.as);
  return api === null ? withStation(options, local) : remote(api);
}
