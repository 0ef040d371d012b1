import type { Command } from "commander";
import { runningStation } from "../api/mod.js";
import { PRECEDENCES, type Precedence } from "../record/mod.js";
import { PERMISSIONS, requireRole, stationPaths, type SettingsChanges } from "../station/mod.js";
import { parseDuration } from "./peers.js";
import { asOption, type CommonOptions, usageError, withCommon, withStation } from "./common.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline line create`, `hotline line set` and `hotline lines`.
 *
 * @param program the root command
 */
export function registerLineCommands(program: Command): void {
  const line = program.command("line").description("open and configure lines");
  withCommon(
    line
      .command("create")
      .description("open a new line, with this station as its first participant")
      .requiredOption("--name <name>", "the line's name, e.g. moscow-washington")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { name: string; as: string }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const created =
      api === null
        ? await withStation(options, async (station) => {
            await requireRole(station, options.as, PERMISSIONS.openLine);
            return await station.createLine({ name: options.name, operator: options.as });
          })
        : await api.call("POST /api/lines", { body: { name: options.name } });
    if (options.json) return printJson(created);
    printLines(`Line ${created.name} opened: ${created.id}`);
  });

  withCommon(
    line
      .command("set")
      .description("change a line's settings (a signed entry both ends apply)")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .option("--test-interval <seconds>", "seconds between automatic link tests (1–3600)")
      .option("--presence-schedule <cron>", "when presence tests are due, cron in UTC, e.g. '0 6,18 * * *'")
      .option("--presence-deadline <duration>", "time to acknowledge a presence test, e.g. 10m")
      .option(
        "--notice <type=duration...>",
        "least notice per notification type, e.g. missile-launch=24h exercise=3d",
      )
      .option("--max-window <duration>", "longest time window a notification's volume may have, e.g. 30d")
      .option(
        "--escalation <roles>",
        "who an unanswered message's alarm goes to, at 1×, 2×, 3× its deadline, e.g. officer,supervisor,admin",
      )
      .option(
        "--ack-deadline <precedence=duration...>",
        "acknowledgement deadline per precedence, e.g. FLASH=2m ROUTINE=4h",
      )
      .addOption(asOption()),
  ).action(
    async (
      options: CommonOptions & {
        line: string;
        testInterval?: string;
        presenceSchedule?: string;
        presenceDeadline?: string;
        escalation?: string;
        notice?: string[];
        maxWindow?: string;
        ackDeadline?: string[];
        as: string;
      },
    ) => {
      const changes = {
        ...(options.testInterval === undefined ? {} : { testInterval: seconds(options.testInterval) }),
        ...(options.presenceSchedule === undefined ? {} : { presenceSchedule: options.presenceSchedule }),
        ...(options.presenceDeadline === undefined
          ? {}
          : { presenceDeadline: Math.round(parseDuration(options.presenceDeadline) / 1000) }),
        ...(options.escalation === undefined
          ? {}
          : {
              // checked by the entry's schema when written
              escalation: options.escalation
                .split(",")
                .map((role) => role.trim().toLowerCase()) as SettingsChanges["escalation"],
            }),
        ...(options.ackDeadline === undefined ? {} : { ackDeadlines: deadlines(options.ackDeadline) }),
        ...(options.notice === undefined ? {} : { noticeHours: noticeHours(options.notice) }),
        ...(options.maxWindow === undefined
          ? {}
          : { maxWindowHours: Math.round(parseDuration(options.maxWindow) / 3_600_000) }),
      };
      if (Object.keys(changes).length === 0) {
        throw usageError(
          "Cannot change the line's settings: give --test-interval, --presence-schedule, --presence-deadline, --escalation, --ack-deadline, --notice or --max-window",
        );
      }
      const api = runningStation(stationPaths(options.dir), options.as);
      const set =
        api === null
          ? await withStation(options, async (station) => {
              await requireRole(station, options.as, PERMISSIONS.changeSettings);
              return await station.setLine({ line: options.line, ...changes, operator: options.as });
            })
          : await api.call("POST /api/lines/:line/settings", {
              params: { line: options.line },
              body: changes,
            });
      if (options.json) return printJson(set);
      const s = set.settings;
      printLines(
        `Settings changed (seq ${set.seq}). Now: link test every ${s.testInterval} s;`,
        `  presence tests '${s.presenceSchedule}' UTC, answered within ${s.presenceDeadline} s;`,
        `  acknowledge within ${PRECEDENCES.map((p) => `${p} ${s.ackDeadlines[p]} s`).join(", ")};`,
        `  unanswered, alarm ${s.escalation.join(" → ")}`,
      );
    },
  );

  for (const suspend of [true, false]) {
    const command = line
      .command(suspend ? "suspend" : "resume")
      .description(
        suspend
          ? "suspend a line, saying why: a signed entry both ends show (link tests go on)"
          : "put a suspended line back in service (a signed entry)",
      )
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name");
    if (suspend) command.requiredOption("--reason <text>", "why, for the other side and the record");
    withCommon(command.addOption(asOption())).action(
      async (options: CommonOptions & { line: string; reason?: string; as: string }) => {
        const api = runningStation(stationPaths(options.dir), options.as);
        const done =
          api === null
            ? await withStation(options, async (station) => {
                await requireRole(station, options.as, PERMISSIONS.suspend);
                return await station.suspendLine({
                  line: options.line,
                  suspend,
                  reason: options.reason,
                  operator: options.as,
                });
              })
            : suspend
              ? await api.call("POST /api/lines/:line/suspend", {
                  params: { line: options.line },
                  body: { reason: options.reason ?? "" },
                })
              : await api.call("POST /api/lines/:line/resume", { params: { line: options.line } });
        if (options.json) return printJson(done);
        printLines(
          done.suspended === null
            ? `Line back in service (seq ${done.seq}).`
            : `Line suspended (seq ${done.seq}): ${done.suspended.reason}`,
        );
      },
    );
  }

  withCommon(program.command("lines").description("list this station's lines and their participants")).action(
    async (options: CommonOptions) => {
      await withStation(options, async (station) => {
        const lines = await station.lines();
        if (options.json) return printJson(lines);
        if (lines.length === 0)
          return printLines("No lines yet: open one with 'hotline line create --name NAME'.");
        printLines(
          ...lines.flatMap((l) => [
            `${l.name}  ${l.id.slice(0, 12)}  ${l.entries} entries${l.suspended === null ? "" : `  SUSPENDED since ${l.suspended.since} by ${l.suspended.by}: ${l.suspended.reason}`}`,
            ...l.participants.map((p) =>
              p.safetyCode === null
                ? `  ${p.name} (this station)`
                : `  ${p.name.padEnd(14)} safety code ${p.safetyCode}${p.pending ? `  PENDING: awaiting consent of ${p.awaiting.map((a) => nameOf(l, a)).join(", ")}${p.awaiting.includes(station.id) ? ` (this station: 'hotline member approve --line ${l.name} ${p.id.slice(0, 8)}')` : ""}` : ""}${p.keyChange === null ? "" : `  KEY CHANGED at ${p.keyChange.at}: read the new safety code aloud, then 'hotline key ack --line ${l.name} ${p.id.slice(0, 8)}'`}`,
            ),
          ]),
        );
      });
    },
  );
}

function nameOf(line: { participants: readonly { id: string; name: string }[] }, id: string): string {
  return line.participants.find((p) => p.id === id)?.name ?? id.slice(0, 8);
}

function seconds(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Math.round(parseDuration(text) / 1000);
  if (!Number.isInteger(value) || value < 1 || value > 3600) {
    throw usageError(`Cannot use test interval '${text}': give 1 to 3600 seconds, e.g. 5 or 30s`);
  }
  return value;
}

function noticeHours(items: readonly string[]): SettingsChanges["noticeHours"] {
  const out: Record<string, number> = {};
  for (const item of items) {
    const [type, duration] = item.split("=");
    if (type === undefined || type === "" || duration === undefined) {
      throw usageError(`Cannot read '${item}': write TYPE=DURATION, e.g. missile-launch=24h`);
    }
    out[type] = parseDuration(duration) / 3_600_000;
  }
  return out; // the entry's schema checks the types
}

function deadlines(items: readonly string[]): Partial<Record<Precedence, number>> {
  const out: Partial<Record<Precedence, number>> = {};
  for (const item of items) {
    const [name, duration] = item.split("=");
    const precedence = name?.toUpperCase() as Precedence;
    if (!PRECEDENCES.includes(precedence) || duration === undefined) {
      throw usageError(`Cannot read '${item}': write PRECEDENCE=DURATION, e.g. FLASH=2m`);
    }
    out[precedence] = Math.round(parseDuration(duration) / 1000);
  }
  return out;
}
