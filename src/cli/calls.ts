import { type Command, InvalidArgumentError, Option } from "commander";
import { CALL_LEVELS, type CallLevel } from "../record/mod.js";
import {
  PERMISSIONS,
  answerCall,
  callsOf,
  recordCallHeld,
  requestCall,
  type CallView,
} from "../station/mod.js";
import { asOption, type CommonOptions, usageError, viaStation, withCommon, withStation } from "./common.js";
import { printJson, printLines } from "./output.js";
import { parseDuration } from "./peers.js";

/**
 * `hotline call request|accept|decline|cancel|held` and `hotline calls`.
 *
 * @param program the root command
 */
export function registerCallCommands(program: Command): void {
  const call = program.command("call").description("ask for calls, answer them, record them held");
  withCommon(
    call
      .command("request")
      .description("ask the other side for a call at a level (a signed entry; its hash is the call's id)")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .addOption(
        new Option("--level <level>", "working, senior or minister").makeOptionMandatory().argParser(levelOf),
      )
      .requiredOption("--topic <text>", "what the call is to be about")
      .requiredOption("--time <time>", "the time proposed, UTC, e.g. 2026-11-23T06:00Z (or 'now')")
      .option("--participant <name>", "who would speak, by name or title (repeat for each)", collect, [])
      .addOption(asOption()),
  ).action(
    async (
      options: CommonOptions & {
        line: string;
        level: CallLevel;
        topic: string;
        time: string;
        participant: string[];
        as: string;
      },
    ) => {
      if (options.participant.length === 0)
        throw usageError("Cannot request a call: name who would speak with --participant NAME");
      const request = {
        level: options.level,
        topic: options.topic,
        proposedTime: parseTime(options.time),
        participants: options.participant,
      };
      const made = await viaStation(
        options,
        PERMISSIONS.call,
        (api) => api.call("POST /api/lines/:line/calls", { params: { line: options.line }, body: request }),
        (station) => requestCall(station, { line: options.line, ...request, operator: options.as }),
      );
      if (options.json) return printJson(made);
      printLines(`Call requested: ${made.hash} (seq ${made.seq})`);
    },
  );

  for (const answer of ["accept", "decline", "cancel"] as const) {
    withCommon(
      call
        .command(answer)
        .description(
          {
            accept: "agree to a call the other side asked for",
            decline: "refuse a call the other side asked for, saying why",
            cancel: "withdraw a call this station asked for",
          }[answer],
        )
        .argument("<call>", "the call: its request's hash, or its first 8 or more hex digits")
        .option(
          answer === "accept" ? "--note <text>" : "--reason <text>",
          answer === "decline" ? "why (required)" : "a word to go with it",
        )
        .addOption(asOption()),
    ).action(async (ref: string, options: CommonOptions & { note?: string; reason?: string; as: string }) => {
      const reason = options.note ?? options.reason;
      if (answer === "decline" && (reason === undefined || reason.trim() === ""))
        throw usageError("Cannot decline a call without saying why: give --reason TEXT");
      const done = await viaStation(
        options,
        PERMISSIONS.call,
        (api) =>
          answer === "accept"
            ? api.call("POST /api/calls/:call/accept", { params: { call: ref }, body: { note: reason } })
            : answer === "decline"
              ? api.call("POST /api/calls/:call/decline", {
                  params: { call: ref },
                  body: { reason: reason ?? "" },
                })
              : api.call("POST /api/calls/:call/cancel", { params: { call: ref }, body: { reason } }),
        (station) => answerCall(station, { call: ref, answer, reason, operator: options.as }),
      );
      if (options.json) return printJson(done);
      printLines(`Call ${done.call.id.slice(0, 12)} ${done.call.state} (seq ${done.seq}).`);
    });
  }

  withCommon(
    call
      .command("held")
      .description("record that a call took place: when, how long, who spoke, who placed it")
      .argument("<call>", "the call: its request's hash, or its first 8 or more hex digits")
      .requiredOption("--start <time>", "when it began, UTC, e.g. 2026-11-23T06:00Z")
      .option("--end <time>", "when it ended, UTC")
      .option("--duration <duration>", "how long it lasted, e.g. 45m (instead of --end)")
      .option("--participant <name>", "who spoke (repeat; default those the request named)", collect, [])
      .option("--initiated-by <station>", "the station that placed the call (default the one that asked)")
      .addOption(asOption()),
  ).action(
    async (
      ref: string,
      options: CommonOptions & {
        start: string;
        end?: string;
        duration?: string;
        participant: string[];
        initiatedBy?: string;
        as: string;
      },
    ) => {
      if ((options.end === undefined) === (options.duration === undefined))
        throw usageError("Cannot record the call: give --end TIME or --duration D (one of them)");
      const start = parseTime(options.start);
      const end =
        options.end === undefined
          ? new Date(Date.parse(start) + parseDuration(options.duration ?? "")).toISOString()
          : parseTime(options.end);
      const held = {
        start,
        end,
        ...(options.participant.length === 0 ? {} : { participants: options.participant }),
        ...(options.initiatedBy === undefined ? {} : { initiatedBy: options.initiatedBy }),
      };
      const done = await viaStation(
        options,
        PERMISSIONS.call,
        (api) => api.call("POST /api/calls/:call/held", { params: { call: ref }, body: held }),
        (station) => recordCallHeld(station, { call: ref, ...held, operator: options.as }),
      );
      if (options.json) return printJson(done);
      printLines(
        `Call ${done.call.id.slice(0, 12)} recorded held, ${done.call.start ?? ""} to ${done.call.end ?? ""} (seq ${done.seq}).`,
      );
    },
  );

  withCommon(
    program
      .command("calls")
      .description("a line's calls: who asked, who agreed, when, how long, at what level")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name"),
  ).action(async (options: CommonOptions & { line: string }) => {
    const calls = await withStation(options, async (station) => await callsOf(station, options.line));
    if (options.json) return printJson(calls);
    if (calls.length === 0) return printLines("No calls on this line.");
    printLines(...calls.map(describeCall));
  });
}

/**
 * @param c a call
 * @returns a few lines for a person
 */
export function describeCall(c: CallView): string {
  const lines = [
    `${c.id.slice(0, 12)}  ${c.state.toUpperCase().padEnd(9)} ${c.level} level: ${c.topic}`,
    `    asked by ${c.requestedBy.stationName} (${c.requestedBy.operator}) ${c.requestedAt} for ${c.proposedTime}; would speak: ${c.participants.join(", ")}`,
    ...c.responses.map(
      (r) =>
        `    ${r.kind} by ${r.stationName} (${r.operator}) ${r.time}${r.reason === null ? "" : `: ${r.reason}`}`,
    ),
    ...c.held.map(
      (h) =>
        `    held ${h.start} to ${h.end} (${Math.round(h.durationSeconds / 60)} min), placed by ${h.initiatedBy.stationName}; spoke: ${h.participants.join(", ")} (per ${h.stationName})`,
    ),
  ];
  return lines.join("\n");
}

/**
 * Reads a time an operator typed: 'now', or ISO 8601 with its zone (Z or ±hh:mm), so that no
 * local clock setting changes what is signed.
 *
 * @param text what was typed
 * @returns the time as UTC ISO with milliseconds
 */
export function parseTime(text: string): string {
  if (text === "now") return new Date().toISOString();
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const ms = zoned ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw usageError(`Cannot read time '${text}': write UTC ISO 8601 with its zone, e.g. 2026-11-23T06:00Z`);
  return new Date(ms).toISOString();
}

function levelOf(value: string): CallLevel {
  const lower = value.toLowerCase();
  if (!(CALL_LEVELS as readonly string[]).includes(lower))
    throw new InvalidArgumentError(`choose one of ${CALL_LEVELS.join(", ")}`);
  return lower as CallLevel;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
