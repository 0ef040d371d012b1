import type { Command } from "commander";
import { PERMISSIONS, ackAlarm, alarmsOf, type AlarmView } from "../station/mod.js";
import { asOption, type CommonOptions, usageError, viaStation, withCommon } from "./common.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline alarms` and `hotline alarm ack`.
 *
 * @param program the root command
 */
export function registerAlarmCommands(program: Command): void {
  withCommon(
    program
      .command("alarms")
      .description("alarms: active ones and those not yet acknowledged (--all: every alarm)")
      .option("--all", "every alarm, cleared and acknowledged ones too")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { all?: boolean; as: string }) => {
    const all = options.all === true;
    const alarms = await viaStation(
      options,
      PERMISSIONS.read,
      (api) => api.get<AlarmView[]>(`/api/alarms${all ? "?all=true" : ""}`),
      async (station) => await alarmsOf(station, { all }),
    );
    if (options.json) return printJson(alarms);
    if (alarms.length === 0) return printLines(all ? "No alarms, ever." : "No alarms.");
    printLines(...alarms.map(describe));
  });

  const alarm = program.command("alarm").description("act on an alarm");
  withCommon(
    alarm
      .command("ack")
      .description("acknowledge an alarm: it has been seen (it stays active until its cause clears)")
      .argument("<id>", "the alarm's number")
      .addOption(asOption()),
  ).action(async (idText: string, options: CommonOptions & { as: string }) => {
    const id = Number(idText);
    if (!Number.isInteger(id) || id < 1) throw usageError(`Cannot read alarm number '${idText}'`);
    const acked = await viaStation(
      options,
      PERMISSIONS.ackAlarm,
      (api) => api.post<AlarmView>(`/api/alarms/${id}/ack`, {}),
      async (station) => await ackAlarm(station, id, options.as),
    );
    if (options.json) return printJson(acked);
    printLines(`Alarm ${acked.id} (${acked.code}) acknowledged by ${acked.ackedBy ?? options.as}.`);
  });
}

function describe(a: AlarmView): string {
  const state = a.clearedAt === null ? "ACTIVE" : `cleared ${a.clearedAt}`;
  const acked = a.ackedBy === null ? "not acknowledged" : `acknowledged by ${a.ackedBy}`;
  const to =
    a.audience === null
      ? ""
      : a.escalation === 0
        ? ` → ${a.audience}`
        : ` → ${a.audience} (escalated ${a.escalatedAt ?? ""})`;
  // A cause raised again counts on its alarm: say how often, and when last.
  const repeats = a.count > 1 ? ` ×${a.count} (last ${a.lastRaisedAt})` : "";
  return `#${a.id}  ${a.severity.toUpperCase().padEnd(8)} ${a.code.padEnd(14)} ${a.raisedAt}${repeats}  ${state}, ${acked}${to}\n    ${a.detail}`;
}
