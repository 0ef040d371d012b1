import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { Option } from "commander";
import { HotlineError, NOTIFY_TYPES, type NotifyType } from "../record/mod.js";
import {
  PERMISSIONS,
  addZone,
  amendNotification,
  clarify,
  conflictsOf,
  listZones,
  notificationFromFile,
  notificationsOf,
  notificationsToGeoJson,
  notify,
  removeZone,
  resolveEntry,
  shareZone,
  sharedZonesOf,
  withdrawSharedZone,
  syncAllNotifyAlarms,
  syncNotifyAlarms,
  type NotificationView,
  type Station,
} from "../station/mod.js";
import { asOption, type CommonOptions, usageError, viaStation, withCommon } from "./common.js";
import { printJson, printLines } from "./output.js";

type Written = { hash: string; seq: number };

/**
 * `hotline notify`, `notification update|cancel`, `notifications`, `conflicts`, `clarify`,
 * `clarify answer` and `zone add|list|share|remove`.
 *
 * @param program the root command
 */
export function registerNotifyCommands(program: Command): void {
  withCommon(
    program
      .command("notify")
      .description("notify the line of an activity: 4D volumes (a signed entry; its hash is its id)")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .requiredOption("--file <file>", "the notification as JSON, or a GeoJSON FeatureCollection")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { line: string; file: string; as: string }) => {
    const body = readJson(options.file);
    const made = await viaStation(
      options,
      PERMISSIONS.notify,
      (api) =>
        api.call("POST /api/lines/:line/notifications", {
          params: { line: options.line },
          body: body as NotificationFile,
        }),
      async (station) =>
        await synced(
          station,
          await notify(station, { line: options.line, ...notificationFromFile(body), operator: options.as }),
        ),
    );
    if (options.json) return printJson(made);
    printLines(`Notified: ${made.hash} (seq ${made.seq})`);
  });

  const notification = program.command("notification").description("replace or withdraw a notification");
  withCommon(
    notification
      .command("update")
      .description("replace a notification this station made")
      .argument("<id>", "the notification: its hash, or its first 8 or more hex digits")
      .requiredOption("--file <file>", "the new version, as JSON or a GeoJSON FeatureCollection")
      .addOption(asOption()),
  ).action(async (id: string, options: CommonOptions & { file: string; as: string }) => {
    const body = readJson(options.file);
    const made = await viaStation(
      options,
      PERMISSIONS.notify,
      (api) =>
        api.call("POST /api/notifications/:entry/update", {
          params: { entry: id },
          body: body as NotificationFile,
        }),
      async (station) =>
        await synced(
          station,
          await amendNotification(station, { of: id, ...notificationFromFile(body), operator: options.as }),
        ),
    );
    if (options.json) return printJson(made);
    printLines(`Updated: ${made.hash} (seq ${made.seq})`);
  });
  withCommon(
    notification
      .command("cancel")
      .description("withdraw a notification this station made")
      .argument("<id>", "the notification: its hash, or its first 8 or more hex digits")
      .option("--reason <text>", "why")
      .addOption(asOption()),
  ).action(async (id: string, options: CommonOptions & { reason?: string; as: string }) => {
    const made = await viaStation(
      options,
      PERMISSIONS.notify,
      (api) =>
        api.call("POST /api/notifications/:entry/cancel", {
          params: { entry: id },
          body: { reason: options.reason },
        }),
      async (station) =>
        await synced(
          station,
          await amendNotification(station, {
            of: id,
            cancel: true,
            reason: options.reason,
            operator: options.as,
          }),
        ),
    );
    if (options.json) return printJson(made);
    printLines(`Cancelled: ${made.hash} (seq ${made.seq})`);
  });

  withCommon(
    program
      .command("notifications")
      .description("a line's notifications, with their notice and questions")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .option("--geojson", "print them as one GeoJSON FeatureCollection")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { line: string; geojson?: boolean; as: string }) => {
    const all = await viaStation(
      options,
      PERMISSIONS.read,
      (api) =>
        api.call("GET /api/lines/:line/notifications", { params: { line: options.line } }).then(listOf),
      (station) => notificationsOf(station, options.line),
    );
    if (options.geojson === true) return printJson(notificationsToGeoJson(all));
    if (options.json) return printJson(all);
    if (all.length === 0) return printLines("No notifications.");
    printLines(...all.map(describeNotification));
  });

  withCommon(
    program
      .command("conflicts")
      .description(
        "volumes that share space, altitude and time: between notifications, and with this station's zones",
      )
      .option("--line <line>", "one line only")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { line?: string; as: string }) => {
    const all = await viaStation(
      options,
      PERMISSIONS.read,
      (api) => api.call("GET /api/conflicts", { query: { line: options.line } }),
      (station) => conflictsOf(station, { line: options.line }),
    );
    if (options.json) return printJson(all);
    if (all.length === 0) return printLines("No conflicts.");
    printLines(
      ...all.map(
        (c) =>
          `${c.id.slice(0, 12)}  ${c.severity.toUpperCase().padEnd(8)} ${c.a.slice(0, 12)}#${c.volumeA} × ${/^(zone|plan):/.test(c.b) ? c.b : c.b.slice(0, 12)}#${c.volumeB}  ${c.from} → ${c.to}  ${c.minAltitude}–${c.maxAltitude} m`,
      ),
    );
  });

  const ask = withCommon(
    program
      .command("clarify")
      .description("ask about a notification (a signed entry)")
      // `clarify answer` has an --of of its own: this command's options come before it.
      .enablePositionalOptions()
      .option("--of <id>", "the notification: its hash or a prefix")
      .option("--question <text>", "the question")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { of?: string; question?: string; as: string }) => {
    if (options.of === undefined || options.question === undefined)
      throw usageError("Cannot ask: give --of NOTIFICATION and --question TEXT");
    const { of, question } = options;
    const made = await viaStation(
      options,
      PERMISSIONS.notify,
      (api) =>
        api.call("POST /api/notifications/:entry/clarify", { params: { entry: of }, body: { question } }),
      (station) => clarify(station, { of, question, operator: options.as }),
    );
    if (options.json) return printJson(made);
    printLines(`Asked: ${made.hash} (seq ${made.seq})`);
  });
  withCommon(
    ask
      .command("answer")
      .description("answer a question about a notification")
      .requiredOption("--of <id>", "the question (clarify entry): its hash or a prefix")
      .requiredOption("--text <text>", "the answer")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { of: string; text: string; as: string }) => {
    const made = await viaStation(
      options,
      PERMISSIONS.notify,
      (api) =>
        api.call("POST /api/clarifications/:entry/answer", {
          params: { entry: options.of },
          body: { text: options.text },
        }),
      (station) => clarify(station, { of: options.of, answer: options.text, operator: options.as }),
    );
    if (options.json) return printJson(made);
    printLines(`Answered: ${made.hash} (seq ${made.seq})`);
  });

  registerZoneCommands(program);
}

function registerZoneCommands(program: Command): void {
  const zone = program
    .command("zone")
    .description("this station's own protected zones and planned activities (private until shared)");
  withCommon(
    zone
      .command("add")
      .description(
        "protect a zone (or, with --plan, plan an activity): notifications crossing it are conflicts here",
      )
      .requiredOption("--name <name>", "the zone's name")
      .option("--plan", "a planned activity of this station's, which 'zone share' can notify on a line")
      .requiredOption("--file <file>", "a GeoJSON Polygon or MultiPolygon (or Features of them)")
      .option("--min-alt <metres>", "lowest altitude, metres MSL (default unbounded)", Number)
      .option("--max-alt <metres>", "highest altitude, metres MSL (default unbounded)", Number)
      .option("--from <time>", "from, an RFC 3339 time, e.g. 2026-11-23T05:45:00Z (default always)")
      .option("--to <time>", "to, an RFC 3339 time (default always)")
      .addOption(asOption()),
  ).action(
    async (
      options: CommonOptions & {
        name: string;
        file: string;
        minAlt?: number;
        maxAlt?: number;
        from?: string;
        to?: string;
        plan?: boolean;
        as: string;
      },
    ) => {
      const request = {
        name: options.name,
        kind: options.plan === true ? ("plan" as const) : ("protected" as const),
        geojson: readJson(options.file),
        minAltitude: options.minAlt,
        maxAltitude: options.maxAlt,
        from: options.from,
        to: options.to,
      };
      const added = await viaStation(
        options,
        PERMISSIONS.zones,
        (api) => api.call("POST /api/zones", { body: request }),
        async (station) => {
          const z = await addZone(station, { ...request, operator: options.as });
          await syncAllNotifyAlarms(station);
          return z;
        },
      );
      if (options.json) return printJson(added);
      printLines(`${added.kind === "plan" ? "Plan" : "Zone"} '${added.name}' added.`);
    },
  );
  withCommon(
    zone
      .command("list")
      .description("this station's private zones and plans; with --line, the zones shared on that line")
      .option("--line <line>", "a line: the zones its participants shared on it")
      .addOption(asOption()),
  ).action(async (options: CommonOptions & { line?: string; as: string }) => {
    const { line } = options;
    if (line !== undefined) {
      const shared = await viaStation(
        options,
        PERMISSIONS.read,
        (api) => api.call("GET /api/lines/:line/zones", { params: { line } }),
        async (station) => await sharedZonesOf(station, (await station.resolveLine(line)).id),
      );
      if (options.json) return printJson(shared);
      if (shared.length === 0) return printLines("No zones shared on this line.");
      return printLines(
        ...shared.map(
          (z) =>
            `${z.id.slice(0, 12)}  ${z.name}  shared by ${z.stationName} (${z.operator}) ${z.time}  ${z.minAltitude ?? "-∞"}–${z.maxAltitude ?? "∞"} m  ${z.from ?? "always"} → ${z.to ?? "always"}${z.state === "withdrawn" ? `  WITHDRAWN ${z.withdrawnAt ?? ""}` : ""}`,
        ),
      );
    }
    const zones = await viaStation(
      options,
      PERMISSIONS.read,
      (api) => api.call("GET /api/zones"),
      (station) => listZones(station),
    );
    if (options.json) return printJson(zones);
    if (zones.length === 0) return printLines("No zones.");
    printLines(
      ...zones.map(
        (z) =>
          `${z.name}  ${z.kind === "plan" ? "plan     " : "protected"}  ${z.minAltitude ?? "-∞"}–${z.maxAltitude ?? "∞"} m  ${z.from ?? "always"} → ${z.to ?? "always"}`,
      ),
    );
  });
  withCommon(
    zone
      .command("remove")
      .description("remove a zone")
      .argument("<name>", "the zone's name")
      .addOption(asOption()),
  ).action(async (name: string, options: CommonOptions & { as: string }) => {
    const removed = await viaStation(
      options,
      PERMISSIONS.zones,
      (api) => api.call("DELETE /api/zones/:name", { params: { name } }),
      async (station) => {
        await removeZone(station, name);
        await syncAllNotifyAlarms(station);
        return { removed: name };
      },
    );
    if (options.json) return printJson(removed);
    printLines(`Zone '${removed.removed}' removed.`);
  });
  withCommon(
    zone
      .command("share")
      .description(
        "share a zone on a line: a protected zone so every participant sees its conflicts, a plan as a notification (the private copy is then dropped)",
      )
      .argument("<name>", "the zone's or plan's name")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .addOption(new Option("--type <type>", "a plan's notification type").choices(NOTIFY_TYPES))
      .option("--title <title>", "a plan's notification title")
      .option("--description <text>", "what the planned activity is", "")
      .addOption(asOption()),
  ).action(
    async (
      name: string,
      options: CommonOptions & {
        line: string;
        type?: NotifyType;
        title?: string;
        description: string;
        as: string;
      },
    ) => {
      const request = {
        line: options.line,
        type: options.type,
        title: options.title,
        description: options.description,
      };
      const made = await viaStation(
        options,
        PERMISSIONS.zones,
        (api) => api.call("POST /api/zones/:name/share", { params: { name }, body: request }),
        async (station) => {
          const written = await shareZone(station, { name, ...request, operator: options.as });
          await syncAllNotifyAlarms(station);
          return written;
        },
      );
      if (options.json) return printJson(made);
      printLines(`'${name}' shared: ${made.hash} (seq ${made.seq})`);
    },
  );
  withCommon(
    zone
      .command("withdraw")
      .description("withdraw a zone this station shared on a line")
      .argument("<id>", "the shared zone: its zone.share entry's hash or a prefix")
      .option("--reason <text>", "why")
      .addOption(asOption()),
  ).action(async (id: string, options: CommonOptions & { reason?: string; as: string }) => {
    const made = await viaStation(
      options,
      PERMISSIONS.notify,
      (api) =>
        api.call("POST /api/shared-zones/:entry/withdraw", {
          params: { entry: id },
          body: { reason: options.reason },
        }),
      async (station) =>
        await synced(
          station,
          await withdrawSharedZone(station, { of: id, reason: options.reason, operator: options.as }),
        ),
    );
    if (options.json) return printJson(made);
    printLines(`Withdrawn: ${made.hash} (seq ${made.seq})`);
  });
}

/** After a write on a station opened here (none running): its alarms, as a running one would. */
async function synced(station: Station, written: Written): Promise<Written> {
  const entry = await resolveEntry(station, written.hash);
  await syncNotifyAlarms(station, entry.line);
  return written;
}

/** A notification file as the API takes it: the station checks its content, as it does here. */
type NotificationFile = Record<string, unknown>;

/**
 * @param answer the notifications route's answer without `geojson`: the list
 * @returns the list
 */
function listOf(answer: NotificationView[] | object): NotificationView[] {
  if (!Array.isArray(answer)) {
    throw new HotlineError("INTERNAL", "Cannot list the notifications: the station answered GeoJSON");
  }
  return answer as NotificationView[];
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (cause) {
    throw new HotlineError("BAD_INPUT", `Cannot read '${file}': ${(cause as Error).message}`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new HotlineError("BAD_INPUT", `Cannot read '${file}': it is not JSON`, { cause });
  }
}

function describeNotification(n: NotificationView): string {
  const late = n.late ? `  LATE by ${-(n.marginHours ?? 0)} h` : "";
  const state = n.state === "cancelled" ? `  CANCELLED ${n.cancelledAt ?? ""}` : "";
  const volumes = n.volumes.map(
    (v, i) =>
      `    #${i} ${v.time.start} → ${v.time.end}  ${v.altitude.minMeters}–${v.altitude.maxMeters} m MSL`,
  );
  const questions = n.clarifications.map(
    (q) =>
      `    ? ${q.stationName}: ${q.question}${q.answers.map((a) => `\n      ↳ ${a.stationName}: ${a.text}`).join("")}`,
  );
  return [
    `${n.hash.slice(0, 12)}  ${n.type.padEnd(17)} ${n.title}  (${n.stationName}, ${n.time})${late}${state}`,
    ...volumes,
    ...questions,
  ].join("\n");
}
