/**
 * The demo's lines: opened by one station, joined by another with a one-use invite, and the
 * waits that keep the replay in step with delivery (an answer is written only once the entry it
 * answers has reached the station answering).
 *
 * @module
 */
import type { Precedence } from "../src/record/mod.js";
import type { LogEntry } from "../src/station/mod.js";
import { waitUntil, type DemoStation } from "./_stations.js";

/** A line between two demo stations. */
export interface DemoLine {
  name: string;
  id: string;
  /** the station that opened it */
  creator: DemoStation;
  /** the station that joined it */
  joiner: DemoStation;
  /** the safety code as each side shows it */
  codes: { atCreator: string; atJoiner: string };
}

/**
 * Opens a line at one station and has the other join it: the creator's admin makes an invite, the
 * joiner's admin accepts it, and each side's safety code is read back.
 *
 * @param name the line's name
 * @param creator the station that opens it
 * @param joiner the station that joins it
 * @returns the line, paired
 */
export async function pairLine(name: string, creator: DemoStation, joiner: DemoStation): Promise<DemoLine> {
  const line = await creator.admin.call("POST /api/lines", { body: { name } });
  const { invite } = await creator.admin.call("POST /api/invites", {
    body: {
      line: line.id,
      expiresInSeconds: 3600,
    },
  });
  const accepted = await joiner.admin.call("POST /api/accept", { body: { invite } });
  const atCreator = (await creator.admin.call("GET /api/lines"))
    .find((l) => l.id === line.id)
    ?.participants.find((p) => p.id === joiner.id)?.safetyCode;
  const paired = {
    name,
    id: line.id,
    creator,
    joiner,
    codes: { atCreator: atCreator ?? "(none)", atJoiner: accepted.safetyCode },
  };
  await settled(paired);
  return paired;
}

/** @returns the line's two stations, the one given first */
export function sidesOf(line: DemoLine, first: DemoStation): [DemoStation, DemoStation] {
  return first.id === line.creator.id ? [line.creator, line.joiner] : [line.joiner, line.creator];
}

/** @returns the line's transcript at a station */
export function logAt(station: DemoStation, line: DemoLine): Promise<LogEntry[]> {
  return station.admin.call("GET /api/lines/:line/log", { params: { line: line.id } });
}

/** Waits until an entry has reached both stations of the line. */
export async function arrived(line: DemoLine, hash: string): Promise<void> {
  await waitUntil(
    async () =>
      (await Promise.all([logAt(line.creator, line), logAt(line.joiner, line)])).every((log) =>
        log.some((e) => e.hash === hash),
      ),
    `entry ${hash.slice(0, 12)} to reach both ends of ${line.name}`,
  );
}

/** Waits until both stations hold the same record of the line, and each has the other's receipt for all it wrote. */
export async function settled(line: DemoLine): Promise<void> {
  await waitUntil(async () => {
    const [a, b] = await Promise.all([logAt(line.creator, line), logAt(line.joiner, line)]);
    const receipted = (log: LogEntry[], me: DemoStation, other: DemoStation) =>
      log.filter((e) => e.author === me.id).every((e) => e.receipts[other.id] !== undefined);
    return (
      a.length === b.length &&
      receipted(a, line.creator, line.joiner) &&
      receipted(b, line.joiner, line.creator)
    );
  }, `both ends of ${line.name} to hold the same record, receipted`);
}

/** A message as the demo writes it. */
export interface MessageSpec {
  text: string;
  lang: string;
  precedence: Precedence;
  /** the author's own English translation, attached beside the original */
  english?: string;
}

/**
 * A duty officer writes a message (and attaches the English translation, if any); the other
 * side's duty officer acknowledges it once it has arrived.
 *
 * @param line the line
 * @param from the station writing
 * @param message the message
 * @returns the message's hash
 */
export async function sendAndAck(line: DemoLine, from: DemoStation, message: MessageSpec): Promise<string> {
  const [, to] = sidesOf(line, from);
  const sent = await from.officer.call("POST /api/lines/:line/messages", {
    params: { line: line.id },
    body: {
      text: message.text,
      lang: message.lang,
      precedence: message.precedence,
    },
  });
  if (message.english !== undefined) {
    await from.officer.call("POST /api/translations", {
      body: { entry: sent.hash, lang: "en", text: message.english },
    });
  }
  await arrived(line, sent.hash);
  await to.officer.call("POST /api/acks", { body: { entry: sent.hash } });
  await settled(line);
  return sent.hash;
}
