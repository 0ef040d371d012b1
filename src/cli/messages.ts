import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import type { Command } from "commander";
import { HotlineError, MAX_ENTRY_BYTES, type Precedence } from "../record/mod.js";
import { runningStation } from "../api/mod.js";
import {
  arrivalsOf,
  logOf,
  PERMISSIONS,
  ackEntry,
  isNotifyTextKind,
  namesOn,
  notifyText,
  requireRole,
  stationPaths,
  type LogEntry,
  type Station,
} from "../station/mod.js";
import {
  asOption,
  type CommonOptions,
  precedenceOption,
  usageError,
  withCommon,
  withStation,
} from "./common.js";
import { cliIo, processIo } from "./io.js";
import { printJson, printLines } from "./output.js";

/**
 * `hotline send` and `hotline log`.
 *
 * @param program the root command
 */
export function registerMessageCommands(program: Command): void {
  withCommon(
    program
      .command("send")
      .description("write a message on a line")
      .argument("[text...]", "the message (or --file)")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .addOption(precedenceOption().default("ROUTINE"))
      .option("--lang <tag>", "the message's language (default the station's)")
      .option("--file <file>", "read the message from a file ('-' for standard input)")
      .addOption(asOption()),
  ).action(
    async (
      words: string[],
      options: CommonOptions & {
        line: string;
        precedence: Precedence;
        lang?: string;
        file?: string;
        as: string;
      },
    ) => {
      if (words.length > 0 && options.file !== undefined)
        throw usageError("Cannot send: give the text or --file, not both");
      if (words.length === 0 && options.file === undefined)
        throw usageError("Cannot send: give the text, or --file F");
      const text = options.file === undefined ? words.join(" ") : await readText(options.file);
      const api = runningStation(stationPaths(options.dir), options.as);
      const sent =
        api === null
          ? await withStation(options, async (station) => {
              await requireRole(station, options.as, PERMISSIONS.send);
              return await station.send({
                line: options.line,
                text,
                precedence: options.precedence,
                lang: options.lang,
                operator: options.as,
              });
            })
          : await api.call("POST /api/lines/:line/messages", {
              params: { line: options.line },
              body: {
                text,
                precedence: options.precedence,
                ...(options.lang === undefined ? {} : { lang: options.lang }),
              },
            });
      if (options.json) return printJson(sent);
      printLines(
        `Sent: seq ${sent.seq}, ${sent.hash}${api === null ? " (stored; delivered when the station runs)" : ""}`,
      );
    },
  );

  withCommon(
    program
      .command("ack")
      .description("acknowledge a message from another station: read and understood")
      .argument("<entry>", "the message's hash, or its first 8 or more hex digits")
      .option("--note <text>", "a word to go with the acknowledgement")
      .addOption(asOption()),
  ).action(async (entry: string, options: CommonOptions & { note?: string; as: string }) => {
    const api = runningStation(stationPaths(options.dir), options.as);
    const acked =
      api === null
        ? await withStation(options, async (station) => {
            await requireRole(station, options.as, PERMISSIONS.ack);
            return await ackEntry(station, { entry, note: options.note, operator: options.as });
          })
        : await api.call("POST /api/acks", {
            body: { entry, ...(options.note === undefined ? {} : { note: options.note }) },
          });
    if (options.json) return printJson(acked);
    printLines(
      `Acknowledged ${acked.entry.slice(0, 12)} (seq ${acked.seq}${api === null ? "; delivered when the station runs" : ""}).`,
    );
  });

  withCommon(
    program
      .command("log")
      .description("show a line's record as a transcript")
      .requiredOption("--line <line>", "the line: its id, a unique id prefix, or its name")
      .option("--follow", "keep running and show entries as they arrive (with --json: one JSON line each)"),
  ).action(async (options: CommonOptions & { line: string; follow?: boolean }) => {
    if (options.follow === true) return follow(options);
    await withStation(options, async (station) => {
      const entries = await logOf(station, options.line);
      if (options.json) return printJson(entries);
      const names = await participantNames(station, options.line);
      printLines(...entries.map((e) => transcriptLine(e, names)));
    });
  });
}

/** How often `log --follow` looks for new entries. */
const FOLLOW_POLL_MS = 200;

/**
 * `hotline log --follow`: the line's entries in arrival order, then each new one as it arrives,
 * until interrupted. Reads the database (WAL lets it read beside a running station), so it works
 * whether or not the station runs.
 */
async function follow(options: CommonOptions & { line: string }): Promise<void> {
  await withStation(options, async (station) => {
    const line = (await station.resolveLine(options.line)).id;
    let names = await participantNames(station, line);
    let cursor = 0;
    let stopped = false;
    const stop = () => (stopped = true);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    cliIo().stdout.on("error", stop); // the reader went away (e.g. piped into head)
    while (!stopped) {
      const batch = await arrivalsOf(station, line, cursor);
      cursor = batch.cursor;
      if (batch.entries.some((e) => e.kind === "member.add")) names = await participantNames(station, line);
      for (const entry of batch.entries) {
        cliIo().stdout.write(
          options.json ? `${JSON.stringify(entry)}\n` : `${transcriptLine(entry, names)}\n`,
        );
      }
      if (batch.entries.length === 0) await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    }
  });
}

/**
 * @param station the station
 * @param line a line reference
 * @returns the names of the line's participants, by station id
 */
export async function participantNames(station: Station, line: string): Promise<Map<string, string>> {
  return await namesOn(station, (await station.resolveLine(line)).id);
}

/**
 * One entry as a person reads it in a transcript, with who has receipted it and when.
 *
 * @param e a log entry
 * @param names participants' names by station id, for the receipts
 * @returns a few lines of text
 */
export function transcriptLine(e: LogEntry, names: ReadonlyMap<string, string> = new Map()): string {
  const receipts = Object.entries(e.receipts)
    .map(([id, time]) => `${names.get(id) ?? id.slice(0, 8)} ${time.slice(11, 19)}`)
    .join(", ");
  const states = Object.entries(e.ackStates)
    .map(([id, state]) => {
      const name = names.get(id) ?? id.slice(0, 8);
      const mark = e.acks[id];
      return mark === undefined
        ? `${name} ${state}`
        : `${name} acked by ${mark.by} ${mark.time.slice(11, 19)}`;
    })
    .join(", ");
  return [
    describe(e),
    ...(e.via === undefined ? [] : [`    ↪ via ${e.via.name} (relayed: signed by ${e.authorName})`]),
    ...(receipts === "" ? [] : [`    ✓ received: ${receipts}`]),
    ...(states === "" ? [] : [`    acknowledgement due ${(e.deadline ?? "").slice(11, 19)}: ${states}`]),
  ].join("\n");
}

function describe(e: LogEntry): string {
  const when = e.time.replace("T", " ");
  const who = `${e.authorName} #${e.seq}`;
  const b = e.body;
  switch (e.kind) {
    case "line.genesis":
      return `${when}  ${who}  opened line "${String(b.name)}" (${String(b.operator)})`;
    case "member.add": {
      const member = b.member as { name: string };
      return `${when}  ${who}  added ${member.name} to the line (${String(b.operator)})`;
    }
    case "cert.renew":
      return `${when}  ${who}  renewed its TLS certificate: ${String(b.cert)} (${String(b.operator)})`;
    case "text":
      return `${when}  ${who}  [${String(b.precedence)}] ${String(b.lang)} ${String(b.operator)}\n    ${String(b.text).replace(/\n/g, "\n    ")}`;
    case "line.suspend":
      return `${when}  ${who}  SUSPENDED the line (${String(b.operator)}): ${b.reason as string}`;
    case "line.resume":
      return `${when}  ${who}  put the line back in service (${String(b.operator)})`;
    case "call.request":
      return `${when}  ${who}  requested a ${String(b.level)}-level call: "${String(b.topic)}", proposed ${String(b.proposedTime).replace("T", " ")} (${String(b.operator)}; call ${e.hash.slice(0, 12)})`;
    case "call.accept":
    case "call.cancel":
      return `${when}  ${who}  ${e.kind === "call.accept" ? "accepted" : "cancelled"} call ${String(b.call).slice(0, 12)} (${String(b.operator)})${b.note === undefined && b.reason === undefined ? "" : `: ${String(b.note ?? b.reason)}`}`;
    case "call.decline":
      return `${when}  ${who}  declined call ${String(b.call).slice(0, 12)} (${String(b.operator)}): ${String(b.reason)}`;
    case "call.held": {
      const minutes = Math.round((Date.parse(String(b.end)) - Date.parse(String(b.start))) / 60_000);
      return `${when}  ${who}  call ${String(b.call).slice(0, 12)} held ${String(b.start).replace("T", " ")}, ${minutes} min, with ${(b.participants as string[]).join(", ")} (${String(b.operator)})`;
    }
    case "readout":
      return `${when}  ${who}  READOUT of call ${String(b.call).slice(0, 12)} ${String(b.lang)} ${String(b.operator)}\n    ${String(b.text).replace(/\n/g, "\n    ")}`;
    case "readout.mark":
      return `${when}  ${who}  marked point ${Number(b.point) + 1} of readout ${String(b.readout).slice(0, 12)} ${String(b.verdict).toUpperCase()}: "${String(b.quote)}"${b.comment === undefined ? "" : ` — ${b.comment as string}`} (${String(b.operator)})`;
    case "translation":
      return `${when}  ${who}  ${b.machine === true ? "machine " : ""}translation of ${String(b.of).slice(0, 12)} into ${String(b.lang)} by ${String(b.translator)}\n    ${String(b.text).replace(/\n/g, "\n    ")}`;
    case "test":
      return `${when}  ${who}  PRESENCE TEST (automatic) for ${String(b.slot).replace("T", " ")}: acknowledge to show you are on watch`;
    case "ack":
      return `${when}  ${who}  acknowledged ${String(b.entry).slice(0, 12)} (${String(b.operator)})${b.note === undefined ? "" : `: ${b.note as string}`}`;
    case "line.settings": {
      const changes = [
        ...(b.testInterval === undefined ? [] : [`link test every ${Number(b.testInterval)} s`]),
        ...(b.presenceSchedule === undefined ? [] : [`presence tests '${b.presenceSchedule as string}' UTC`]),
        ...(b.presenceDeadline === undefined
          ? []
          : [`presence tests acknowledged within ${Number(b.presenceDeadline)} s`]),
        ...(b.escalation === undefined ? [] : [`escalation ${(b.escalation as string[]).join(" → ")}`]),
        ...Object.entries((b.noticeHours ?? {}) as Record<string, number>).map(
          ([type, hours]) => `${type} notified at least ${hours} h ahead`,
        ),
        ...(b.maxWindowHours === undefined ? [] : [`volumes' windows at most ${Number(b.maxWindowHours)} h`]),
        ...Object.entries((b.ackDeadlines ?? {}) as Record<string, number>).map(
          ([precedence, seconds]) => `${precedence} acknowledged within ${seconds} s`,
        ),
      ];
      return `${when}  ${who}  changed the line's settings: ${changes.join(", ")} (${String(b.operator)})`;
    }
    default: {
      if (isNotifyTextKind(e.kind)) {
        const { headline, lines } = notifyText(e.kind, b);
        return [`${when}  ${who}  ${headline} (${String(b.operator)})`, ...lines.map(indent)].join("\n");
      }
      return `${when}  ${who}  ${e.kind} ${JSON.stringify(b)}`;
    }
  }
}

function indent(text: string): string {
  return `    ${text.replace(/\n/g, "\n    ")}`;
}

/**
 * Reads a text an operator gives by file ('-': standard input), refusing one larger than an entry.
 *
 * @param path the file
 * @returns its text
 */
export async function readText(path: string): Promise<string> {
  const io = cliIo();
  return path === "-" && io !== processIo ? readStream(io.stdin) : readFile(path);
}

/** Standard input given as a stream (a test's), read as `readFile` reads fd 0. */
async function readStream(input: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    length += bytes.length;
    if (length > MAX_ENTRY_BYTES) {
      throw new HotlineError("TOO_LARGE", `Cannot send -: it is larger than an entry may be (64 KiB)`);
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

function readFile(path: string): string {
  // Read at most one byte past the limit, so a huge file is refused without being read whole.
  let fd: number;
  try {
    fd = path === "-" ? 0 : openSync(path, "r");
  } catch (cause) {
    throw new HotlineError("BAD_INPUT", `Cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  try {
    if (path !== "-" && !fstatSync(fd).isFile())
      throw new HotlineError("BAD_INPUT", `Cannot read ${path}: it is not a file`);
    const buffer = Buffer.alloc(MAX_ENTRY_BYTES + 1);
    let length = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === "EAGAIN") continue;
        if ((cause as NodeJS.ErrnoException).code === "EOF") break;
        throw cause;
      }
      if (n === 0) break;
      length += n;
      if (length > MAX_ENTRY_BYTES) {
        throw new HotlineError(
          "TOO_LARGE",
          `Cannot send ${path}: it is larger than an entry may be (64 KiB)`,
        );
      }
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    if (path !== "-") closeSync(fd);
  }
}
