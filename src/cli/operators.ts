import { Argument, type Command, InvalidArgumentError, Option } from "commander";
import { runningStation } from "../api/mod.js";
import { HotlineError } from "../record/mod.js";
import type { Role } from "../store/mod.js";
import {
  addOperator,
  disableOperator,
  listOperators,
  OPERATOR_NAME,
  PASSWORD,
  ROLES,
  setPassword,
  stationPaths,
} from "../station/mod.js";
import { asOption, type CommonOptions, withCommon, withStation } from "./common.js";
import { cliIo } from "./io.js";
import { printJson, printLines } from "./output.js";
import { registerSecondFactorCommands } from "./second-factor.js";

type AsOptions = CommonOptions & { as: string };

/**
 * `hotline operator add | list | passwd | disable | reset-2fa | totp`: admins manage the people
 * who use the station; each operator its own second factor.
 *
 * @param program the root command
 */
export function registerOperatorCommands(program: Command): void {
  const operator = program
    .command("operator")
    .description("add, list and disable operators, and set their passwords (admins only)");

  withCommon(
    operator
      .command("add")
      .description("add an operator; prints its generated password once")
      .addArgument(new Argument("<name>", "its name: 1 to 32 of a-z 0-9 . _ -").argParser(operatorName))
      .addOption(new Option("--role <role>", "what it may do").choices(ROLES).makeOptionMandatory())
      .addOption(asOption()),
  ).action(async (name: string, options: AsOptions & { role: Role }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const added =
      api === null
        ? await withStation(
            options,
            async (station) => await addOperator(station, { name, role: options.role, by: options.as }),
          )
        : await api.call("POST /api/operators", { body: { name, role: options.role } });
    if (options.json) return printJson(added);
    printLines(
      `Operator '${added.name}' (${added.role}) added, password: ${added.password}`,
      "This password is shown once and stored only as a hash: pass it to the operator now.",
    );
  });

  withCommon(
    operator.command("list").description("list operators and their roles").addOption(asOption()),
  ).action(async (options: AsOptions) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const operators =
      api === null
        ? await withStation(options, (station) => listOperators(station, { by: options.as }))
        : await api.call("GET /api/operators");
    if (options.json) return printJson(operators);
    const width = Math.max(...operators.map((o) => o.name.length));
    printLines(
      ...operators.map(
        (o) =>
          `${o.name.padEnd(width)}  ${o.role.padEnd(10)}  ${o.disabled ? "disabled" : "enabled "}  added ${o.createdAt}`,
      ),
    );
  });

  withCommon(
    operator
      .command("passwd")
      .description("give an operator a new password: generated and printed once, or read from stdin")
      .argument("<name>", "the operator")
      .option("--stdin", `read the new password from standard input (at least 12 characters)`)
      .addOption(asOption()),
  ).action(async (name: string, options: AsOptions & { stdin?: boolean }) => {
    const password = options.stdin === true ? await readPassword(name) : undefined;
    const api = runningStation(stationPaths(options.dir), options.as);
    const changed =
      api === null
        ? await withStation(options, (station) => setPassword(station, name, { password, by: options.as }))
        : await api.call("POST /api/operators/:name/password", {
            params: { name },
            body: password === undefined ? {} : { password },
          });
    if (options.json) return printJson(changed);
    if (changed.password === undefined) return printLines(`Password of operator '${changed.name}' changed.`);
    printLines(
      `Operator '${changed.name}', new password: ${changed.password}`,
      "This password is shown once and stored only as a hash: pass it to the operator now.",
    );
  });

  withCommon(
    operator
      .command("disable")
      .description("disable an operator: it can no longer act (not the last enabled admin)")
      .argument("<name>", "the operator")
      .addOption(asOption()),
  ).action(async (name: string, options: AsOptions) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const disabled =
      api === null
        ? await withStation(options, (station) => disableOperator(station, name, { by: options.as }))
        : await api.call("POST /api/operators/:name/disable", { params: { name }, body: {} });
    if (options.json) return printJson(disabled);
    printLines(`Operator '${disabled.name}' disabled: it can no longer act.`);
  });

  registerSecondFactorCommands(operator);
}

function operatorName(value: string): string {
  const parsed = OPERATOR_NAME.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? "not a name");
  return parsed.data;
}

/** The most read from standard input for a password: far more than any password needs. */
const MAX_PASSWORD_INPUT = 4096;

async function readPassword(name: string): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of cliIo().stdin) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    length += bytes.length;
    if (length > MAX_PASSWORD_INPUT) break;
  }
  // One final line break is the end of the line typed or echoed, not part of the password.
  const password = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  const parsed = PASSWORD.safeParse(password);
  if (!parsed.success) {
    throw new HotlineError(
      "BAD_INPUT",
      `Cannot set the password of operator '${name}': the password read from stdin ${parsed.error.issues[0]?.message ?? "is not valid"}`,
    );
  }
  return parsed.data;
}
