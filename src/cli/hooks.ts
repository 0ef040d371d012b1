import { type Command, Option } from "commander";
import type { Severity } from "../store/mod.js";
import {
  addHook,
  listHooks,
  PERMISSIONS,
  removeHook,
  SEVERITIES,
  type HookRequest,
  type HookView,
} from "../station/mod.js";
import { asOption, type CommonOptions, usageError, viaStation, withCommon } from "./common.js";
import { printJson, printLines } from "./output.js";

type AsOptions = CommonOptions & { as: string };

/**
 * `hotline hook add | list | remove`: admins choose what reaches people outside the console when
 * an alarm is raised or escalated — a command run, or a webhook called.
 *
 * @param program the root command
 */
export function registerHookCommands(program: Command): void {
  const hook = program
    .command("hook")
    .description("alarm hooks: run a command or call a webhook on alarms (admins only)");

  withCommon(
    hook
      .command("add")
      .description(
        "add a hook for alarms of at least a severity: --webhook URL, or the command after '--' (run without a shell)",
      )
      .argument(
        "[command...]",
        "after '--': the program and its arguments, e.g. -- /usr/bin/logger -t hotline",
      )
      .addOption(
        new Option("--severity <severity>", "the least severity it fires for")
          .choices(SEVERITIES)
          .makeOptionMandatory(),
      )
      .option("--webhook <url>", "POST each alarm as JSON to this http(s) URL")
      .addOption(asOption()),
  ).action(async (command: string[], options: AsOptions & { severity: Severity; webhook?: string }) => {
    const request: Partial<HookRequest> = {
      severity: options.severity,
      ...(command.length > 0 ? { command } : {}),
      ...(options.webhook === undefined ? {} : { webhook: options.webhook }),
    };
    const added = await viaStation(
      options,
      PERMISSIONS.manageHooks,
      (api) => api.post<HookView>("/api/hooks", request),
      async (station) => await addHook(station, request, { by: options.as }),
    );
    if (options.json) return printJson(added);
    printLines(`Hook ${added.id} added: ${describe(added)}`);
  });

  withCommon(hook.command("list").description("list the alarm hooks").addOption(asOption())).action(
    async (options: AsOptions) => {
      const hooks = await viaStation(
        options,
        PERMISSIONS.manageHooks,
        (api) => api.get<HookView[]>("/api/hooks"),
        async (station) => await listHooks(station, { by: options.as }),
      );
      if (options.json) return printJson(hooks);
      if (hooks.length === 0) return printLines("No hooks.");
      printLines(...hooks.map((h) => `#${h.id}  ${describe(h)}  (added by ${h.createdBy}, ${h.createdAt})`));
    },
  );

  withCommon(
    hook
      .command("remove")
      .description("remove an alarm hook")
      .argument("<id>", "the hook's number, as `hook list` shows it")
      .addOption(asOption()),
  ).action(async (idText: string, options: AsOptions) => {
    const id = Number(idText);
    if (!Number.isInteger(id) || id < 1) throw usageError(`Cannot read hook number '${idText}'`);
    const removed = await viaStation(
      options,
      PERMISSIONS.manageHooks,
      (api) => api.delete<HookView>(`/api/hooks/${id}`),
      async (station) => await removeHook(station, id, { by: options.as }),
    );
    if (options.json) return printJson(removed);
    printLines(`Hook ${removed.id} removed.`);
  });
}

function describe(h: HookView): string {
  const alarms = h.severity === "critical" ? "critical alarms" : `${h.severity} alarms and above`;
  const target = h.command === null ? `POST to ${h.webhook ?? ""}` : `run ${h.command.map(quoted).join(" ")}`;
  return `${alarms}: ${target}`;
}

function quoted(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
