import { Command, CommanderError } from "commander";
import { registerAlarmCommands } from "./alarms.js";
import { registerAuditCommand } from "./audit.js";
import { registerBackupCommands } from "./backup.js";
import { registerCallCommands } from "./calls.js";
import { registerCertCommands } from "./certs.js";
import { UsageError } from "./common.js";
import { registerExportCommand } from "./export.js";
import { registerHookCommands } from "./hooks.js";
import { registerHealthCommand } from "./health.js";
import { registerLineCommands } from "./lines.js";
import { registerMemberCommands } from "./members.js";
import { registerKeyCommands } from "./keys.js";
import { registerMessageCommands } from "./messages.js";
import { registerNotifyCommands } from "./notify.js";
import { registerOperatorCommands } from "./operators.js";
import { registerPeerCommands } from "./peers.js";
import { registerReadoutCommands } from "./readouts.js";
import { registerRouteCommands } from "./routes.js";
import { cliIo, processIo, withCliIo, type CliIo } from "./io.js";
import { EXIT, reportError } from "./output.js";
import { registerStandbyCommand } from "./standby.js";
import { registerStationCommands } from "./station.js";
import { registerTranslateCommands } from "./translate.js";
import { registerVerifyCommand } from "./verify.js";

/**
 * Builds the `hotline` command.
 *
 * @returns the root command, not yet parsed
 */
export function buildProgram(): Command {
  const program = new Command("hotline")
    .description("hotline: standing, tested, tamper-evident deconfliction lines")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => cliIo().stdout.write(text),
      writeErr: (text) => cliIo().stderr.write(text),
      outputError: (text, write) => write(`error USAGE: ${text.replace(/^error: /, "")}`),
    })
    // `--dir` defaults to $HOTLINE_DIR of the run's environment (the process's, or a test's).
    .hook("preAction", (_root, action) => {
      const dir = cliIo().env.HOTLINE_DIR;
      const takesDir = action.options.some((option) => option.attributeName() === "dir");
      if (takesDir && dir !== undefined && action.getOptionValue("dir") === undefined) {
        action.setOptionValue("dir", dir);
      }
    });
  registerStationCommands(program);
  registerLineCommands(program);
  registerMemberCommands(program);
  registerKeyCommands(program);
  registerMessageCommands(program);
  registerVerifyCommand(program);
  registerPeerCommands(program);
  registerRouteCommands(program);
  registerStandbyCommand(program);
  registerOperatorCommands(program);
  registerAlarmCommands(program);
  registerHookCommands(program);
  registerHealthCommand(program);
  registerCallCommands(program);
  registerReadoutCommands(program);
  registerTranslateCommands(program);
  registerExportCommand(program);
  registerNotifyCommands(program);
  registerAuditCommand(program);
  registerBackupCommands(program);
  registerCertCommands(program);
  for (const command of program.commands) command.exitOverride();
  // `clarify` keeps its own options before its subcommand (`clarify --of N`, `clarify answer --of
  // Q`), which commander allows only under a positional root. Set last: commands made after it
  // would inherit it, and those whose subcommands take the parent's --dir would break.
  program.enablePositionalOptions();
  return program;
}

/**
 * Runs the CLI with process arguments and sets the exit code: 0 ok, 1 failure, 2 bad usage.
 *
 * @param argv process.argv
 */
export async function main(argv: readonly string[]): Promise<void> {
  await runCli(argv, processIo);
}

/**
 * Runs the CLI once with the given streams and environment, in this process (what `main` does
 * with the process's own; tests run it with captured ones).
 *
 * @param argv the arguments, after two leading entries as in process.argv
 * @param io where the run reads and writes; `io.exitCode` is set as the process's would be
 * @returns the exit code: 0 ok, 1 failure, 2 bad usage
 */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  return withCliIo(io, async () => {
    try {
      await buildProgram().parseAsync([...argv]);
    } catch (error) {
      if (error instanceof CommanderError) {
        io.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      } else {
        const code = reportError(error);
        io.exitCode = error instanceof UsageError ? EXIT.usage : code;
      }
    }
    return io.exitCode ?? EXIT.ok;
  });
}
