import { Cron } from "croner";
import { z } from "zod";
import { NOTIFY_TYPES, VOLUME_GEOMETRY, VOLUMES } from "./volume.js";

/** Precedence of a message, highest first; it sets the acknowledgement deadline. */
export const PRECEDENCES = ["FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE"] as const;
export type Precedence = (typeof PRECEDENCES)[number];

export const HASH = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters (a SHA-256)");
export const STATION_ID = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "must be a station id (43 base64url characters)");
export const SIGNATURE = z
  .string()
  .regex(/^[A-Za-z0-9_-]{86}$/, "must be an Ed25519 signature (86 base64url characters)");
export const TIME = z.string().refine((t) => {
  // The same instant has exactly one such text: the one toISOString() gives.
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t) ? Date.parse(t) : Number.NaN;
  return !Number.isNaN(ms) && new Date(ms).toISOString() === t;
}, "must be a real UTC ISO 8601 time with milliseconds, e.g. 2026-11-23T05:45:00.123Z");
const validTags = new Set<string>();
export const LANG = z
  .string()
  .min(2)
  .max(35)
  .refine((tag) => {
    if (validTags.has(tag)) return true;
    try {
      const ok = Intl.getCanonicalLocales(tag).length === 1;
      if (ok && validTags.size < 1000) validTags.add(tag);
      return ok;
    } catch {
      return false;
    }
  }, "must be a BCP 47 language tag such as 'en' or 'ru'");
export const OPERATOR = z.string().min(1).max(64);
/** A certificate fingerprint: "sha256:" and 64 hex characters. */
export const CERT_FINGERPRINT = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, "must be 'sha256:' and 64 hex characters");
export const URL_SCHEMA = z.url({ protocol: /^https$/ }).max(300);
/** The most routes a station announces. */
export const MAX_ROUTES = 8;
/** A route's name: lower-case letters, digits and dashes, e.g. "primary", "satcom-2". */
export const ROUTE_NAME = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be 1 to 32 of a-z, 0-9 and -, starting with a letter or digit");
const ROUTE_URL_PATTERN =
  /^https:\/\/(?:[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63})*\.?|\[[0-9A-Fa-f:.]{2,45}\]):\d{1,5}$/;
/**
 * Where a station is reached on one route: https, a host name or IP address, and a port; nothing
 * else (no user, path or query), so a route names a peer port and no other resource.
 */
export const ROUTE_URL = z
  .string()
  .max(300)
  // Length first, then a pattern without nested repetition (each label starts after a literal
  // dot), so no string can make it backtrack: it runs in linear time on anything a peer sends.
  .refine((url) => url.length <= 300 && ROUTE_URL_PATTERN.test(url), "must be https://HOST:PORT")
  .refine((url) => {
    const port = Number(/:(\d{1,5})$/.exec(url)?.[1]);
    return port >= 1 && port <= 65_535;
  }, "must have a port from 1 to 65535");
/** One route: its name, its URL, and its priority (lower goes first). */
export const ROUTE = z.strictObject({
  name: ROUTE_NAME,
  url: ROUTE_URL,
  priority: z.number().int().min(0).max(1000),
});
export type Route = z.infer<typeof ROUTE>;
// Schemas check and never change a value: what is signed must be exactly what is stored.
export const NAME = z
  .string()
  .min(1, "must not be empty")
  .max(100)
  .refine((s) => s.trim() === s, "must not start or end with spaces");

/** Fewest minutes between two presence tests a line's schedule may ask for. */
export const MIN_PRESENCE_GAP_MINUTES = 15;
/** Shortest time, in seconds, a line may give to acknowledge a presence test. */
export const MIN_PRESENCE_DEADLINE = 60;
/** Shortest acknowledgement deadline, in seconds, a line may give any precedence. */
export const MIN_ACK_DEADLINE = 30;

/**
 * How many firings of a schedule are looked at: every day a cron expression matches has the same
 * times, so a day with too many shows within 97 firings; the rest covers the nights between
 * matching days. Counted from a fixed instant (2000-01-01, a leap year), never from now, so that
 * every station, today or when verifying in ten years, judges a schedule alike.
 */
const GAP_FIRINGS = 200;
const GAP_FROM = new Date("2000-01-01T00:00:00.000Z");
const judgedSchedules = new Map<string, string | null>();

/**
 * @param pattern a cron expression
 * @param cron the same, parsed
 * @returns null if its firings are at least MIN_PRESENCE_GAP_MINUTES apart, else why not
 */
function tooFrequent(pattern: string, cron: Cron): string | null {
  const known = judgedSchedules.get(pattern);
  if (known !== undefined) return known;
  let verdict: string | null = null;
  let previous = cron.nextRun(GAP_FROM);
  for (let i = 1; i < GAP_FIRINGS && previous !== null && verdict === null; i++) {
    const next = cron.nextRun(previous);
    if (next === null) break;
    if (next.getTime() - previous.getTime() < MIN_PRESENCE_GAP_MINUTES * 60_000) {
      verdict = `must leave at least ${MIN_PRESENCE_GAP_MINUTES} minutes between presence tests (it fires at ${previous.toISOString().slice(11, 19)} and again at ${next.toISOString().slice(11, 19)} UTC)`;
    }
    previous = next;
  }
  if (judgedSchedules.size < 1000) judgedSchedules.set(pattern, verdict);
  return verdict;
}

/**
 * A presence schedule: a cron expression (five fields, or six with seconds first), evaluated in
 * UTC, firing at most once every MIN_PRESENCE_GAP_MINUTES: each firing has every participant write
 * a signed test and raise an alarm at the others until a person answers, so a participant that
 * could set it to every second would flood the others' records, alarms and hooks.
 */
export const CRON = z
  .string()
  .min(9)
  .max(100)
  .superRefine((pattern, ctx) => {
    let cron: Cron;
    try {
      cron = new Cron(pattern, { timezone: "UTC" });
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `must be a cron expression such as '0 6,18 * * *' (${(error as Error).message})`,
      });
      return;
    }
    const problem = tooFrequent(pattern, cron);
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
  });

/** Levels a call may be asked for at, lowest first. */
export const CALL_LEVELS = ["working", "senior", "minister"] as const;
export type CallLevel = (typeof CALL_LEVELS)[number];

/** What a reader of a readout says of one of its points. */
export const VERDICTS = ["agreed", "disputed"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Longest readout or translation, in characters (an entry is at most 64 KiB in all). */
export const MAX_LONG_TEXT = 30_000;

const nonEmpty = (max: number) =>
  z
    .string()
    .max(max)
    .refine((t) => t.trim().length > 0, "must not be empty");

/** The people on a call, by name or title ("Secretary Austin"), at most 20. */
const PEOPLE = z.array(NAME).min(1).max(20);

/** Roles an escalation chain may name, lowest first. */
export const ESCALATION_ROLES = ["officer", "supervisor", "admin"] as const;

/** What a line knows of a participant station: enough to reach it and to pin it. */
export const PARTICIPANT = z.strictObject({
  station: STATION_ID,
  name: NAME,
  url: URL_SCHEMA,
  cert: CERT_FINGERPRINT,
  /**
   * the key its chain on this line begins with, when that is not the station id (a station whose key
   * was rotated or revoked opens or joins a line with the key it holds now); absent: the station id
   */
  key: STATION_ID.optional(),
});

/** What a notification holds, `notify` and `notify.update` alike. */
const NOTIFY_FIELDS = {
  type: z.enum(NOTIFY_TYPES),
  title: nonEmpty(200),
  description: z.string().max(10_000),
  volumes: VOLUMES,
  operator: OPERATOR,
};
const NOTIFY_BODY = z.strictObject(NOTIFY_FIELDS);

/**
 * One schema per entry kind: the single place that says what a body may hold. Types come from
 * here (`z.infer`), and so does validation of every entry, written or received.
 */
export const BODY_SCHEMAS = {
  /** First entry of a line, by its creator; the line id is its hash. */
  "line.genesis": z.strictObject({
    name: NAME,
    creator: PARTICIPANT,
    operator: OPERATOR,
  }),
  /**
   * A station is added to the line by the participant who invited it. `proof` is the member's own
   * signature of its claim (see membership.ts), so nobody adds a station, or moves its address or
   * certificate, in its name. It counts as a participant once every station named in `consenters`
   * has written a `member.approve` of it (the adder consents by writing it): until then nothing of
   * the line is sent to it and nothing it writes is accepted.
   */
  "member.add": z.strictObject({
    member: PARTICIPANT,
    consenters: z
      .array(STATION_ID)
      .max(63)
      .refine((ids) => new Set(ids).size === ids.length, "must not name a station twice"),
    proof: SIGNATURE,
    operator: OPERATOR,
  }),
  /**
   * The author's new TLS certificate, by fingerprint: from this entry on, peers pin it for the author
   * on this line (the entry's signature is the author's key, so nobody moves a station's certificate
   * in its name); they keep accepting the old one for a grace period (docs/protocol.md).
   */
  "cert.renew": z.strictObject({ cert: CERT_FINGERPRINT, operator: OPERATOR }),
  /**
   * A participant consents to stations other participants added: `of` is the `member.add` hash, or
   * several of them (up to 63, none twice: every addition pending on a line of 64), so that
   * consenting to a batch of invited stations is one entry, not one each.
   */
  "member.approve": z.strictObject({
    of: z.union(
      [
        HASH,
        z
          .array(HASH)
          .min(1, "must name at least one addition")
          // MAX_APPROVED_AT_ONCE (membership.ts imports this file)
          .max(63, "must name at most 63 additions (a line of 64's other stations)")
          .refine((hashes) => new Set(hashes).size === hashes.length, "must not name an addition twice"),
      ],
      { error: "must be a member.add hash, or a list of 1 to 63 of them with none named twice" },
    ),
    operator: OPERATOR,
  }),
  /**
   * The author's signing key changes to `key` (base64url, 32 raw bytes). The entry is signed by the
   * key in force before it (the old key vouches for the new); `proof` is the new key's signature of
   * the rotation's place (see key-rotation.ts), so the new key is shown to be held. Every later
   * entry of the author's chain on this line is signed by the new key, and only by it.
   */
  "key.rotate": z.strictObject({ key: STATION_ID, proof: SIGNATURE, operator: OPERATOR }),
  /**
   * The author's key `revoked` is believed stolen from `since` on: its chain goes on with `key`, a
   * new key. Signed by the NEW key (the old one is the thief's too, so it cannot vouch for its
   * successor). A peer takes the new key only when its own operator, having compared the new safety
   * code out of band, acknowledges it with a `key.revoke.ack`; until then it refuses what the
   * chain writes after this entry (`KEY_UNCONFIRMED`). See docs/protocol.md "Key revocation".
   */
  "key.revoke": z.strictObject({
    key: STATION_ID,
    revoked: STATION_ID,
    since: TIME,
    /** the revoked key's signature of the revocation's place (see key-rotation.ts) */
    proof: SIGNATURE,
    operator: OPERATOR,
  }),
  /**
   * This station's operator acknowledged, out of band, another station's `key.revoke` (`of`, with
   * its station, new key and since repeated): from here on this station takes that key for it.
   */
  "key.revoke.ack": z.strictObject({
    of: HASH,
    station: STATION_ID,
    key: STATION_ID,
    since: TIME,
    operator: OPERATOR,
  }),
  /** A message written by an operator. */
  text: z.strictObject({
    text: z.string().refine((t) => t.trim().length > 0, "must not be empty"),
    lang: LANG,
    precedence: z.enum(PRECEDENCES),
    operator: OPERATOR,
    replyTo: HASH.optional(),
  }),
  /** The line is suspended, said out loud (link tests go on; silence is never taken for this). */
  "line.suspend": z.strictObject({
    reason: z
      .string()
      .refine((t) => t.trim().length > 0, "must not be empty")
      .max(1000),
    operator: OPERATOR,
  }),
  /** The line is back in service. */
  "line.resume": z.strictObject({ operator: OPERATOR }),
  /**
   * A presence test, written by the station on its line's schedule (no person writes it): the
   * other participants' operators must acknowledge it, to show someone is on watch.
   */
  test: z.strictObject({
    /** the scheduled time it answers to */
    slot: TIME,
  }),
  /** An operator acknowledges a message or a presence test: read and understood. */
  ack: z.strictObject({
    entry: HASH,
    note: z.string().max(1000).optional(),
    operator: OPERATOR,
  }),
  /**
   * Changes a line's settings (the fields given; the others stay). Signed like any entry, so both
   * ends apply the same settings and the record says who changed them, and when.
   */
  "line.settings": z.strictObject({
    /** seconds between automatic link tests (1 s at most often: a heads exchange is cheap and bounded) */
    testInterval: z.number().int().min(1).max(3600).optional(),
    /** when presence tests are due: a cron expression, evaluated in UTC */
    presenceSchedule: CRON.optional(),
    /** seconds the other participants have to acknowledge a presence test (a person must answer) */
    presenceDeadline: z.number().int().min(MIN_PRESENCE_DEADLINE).max(86_400).optional(),
    /**
     * who an unanswered message's alarm goes to: the first role at its deadline, the next at twice
     * the deadline, and so on
     */
    escalation: z
      .array(z.enum(ESCALATION_ROLES))
      .min(1)
      .max(3)
      .refine((roles) => new Set(roles).size === roles.length, "must not name a role twice")
      .optional(),
    /** acknowledgement deadline per precedence, in seconds (a person must read and answer) */
    ackDeadlines: z
      .partialRecord(
        z.enum(PRECEDENCES),
        z
          .number()
          .int()
          .min(MIN_ACK_DEADLINE)
          .max(7 * 86_400),
      )
      .optional(),
    /** hours of notice each type of notification needs before its first volume starts */
    noticeHours: z
      .partialRecord(
        z.enum(NOTIFY_TYPES),
        z
          .number()
          .int()
          .min(0)
          .max(90 * 24),
      )
      .optional(),
    /** longest time window a notification's volume may have, in hours */
    maxWindowHours: z
      .number()
      .int()
      .min(1)
      .max(366 * 24)
      .optional(),
    operator: OPERATOR,
  }),
  /** An operator asks for a call at a level: the call's id is this entry's hash. */
  "call.request": z.strictObject({
    level: z.enum(CALL_LEVELS),
    topic: nonEmpty(500),
    proposedTime: TIME,
    /** who would speak, by name or title */
    participants: PEOPLE,
    operator: OPERATOR,
  }),
  /** Another participant agrees to a requested call. */
  "call.accept": z.strictObject({ call: HASH, note: z.string().max(1000).optional(), operator: OPERATOR }),
  /** Another participant refuses a requested call, saying why. */
  "call.decline": z.strictObject({ call: HASH, reason: nonEmpty(1000), operator: OPERATOR }),
  /** The requester withdraws its request. */
  "call.cancel": z.strictObject({ call: HASH, reason: z.string().max(1000).optional(), operator: OPERATOR }),
  /** A participant records that the call took place: when, for how long, who spoke, who placed it. */
  "call.held": z
    .strictObject({
      call: HASH,
      start: TIME,
      end: TIME,
      participants: PEOPLE,
      /** the station whose side placed the call */
      initiatedBy: STATION_ID,
      operator: OPERATOR,
    })
    .refine((b) => b.start <= b.end, { message: "must end at or after its start", path: ["end"] })
    .refine((b) => Date.parse(b.end) - Date.parse(b.start) <= 86_400_000, {
      message: "must last at most 24 hours",
      path: ["end"],
    }),
  /** One side's own account of a call, in its own language. */
  readout: z.strictObject({ call: HASH, text: nonEmpty(MAX_LONG_TEXT), lang: LANG, operator: OPERATOR }),
  /**
   * A reader marks one point (sentence) of another side's readout agreed or disputed. The point is
   * named twice: by its index among the readout's sentences, and by quoting that sentence, so the
   * mark keeps its meaning should sentence splitting ever differ between two machines.
   */
  "readout.mark": z.strictObject({
    readout: HASH,
    point: z.number().int().min(0).max(9999),
    quote: nonEmpty(4000),
    verdict: z.enum(VERDICTS),
    comment: z.string().max(2000).optional(),
    operator: OPERATOR,
  }),
  /** A translation of a message or readout: attached beside the original, never replacing it. */
  translation: z.strictObject({
    of: HASH,
    lang: LANG,
    text: nonEmpty(MAX_LONG_TEXT),
    /** who translated: a person, or the machine translation system */
    translator: NAME,
    /** true when made by machine translation */
    machine: z.boolean(),
    operator: OPERATOR,
  }),
  /** A structured notification: 4D volumes (area, altitude band, time window); its hash is its id. */
  notify: NOTIFY_BODY,
  /** The notifying station replaces a notification it made (`of`: the original's hash). */
  "notify.update": z.strictObject({ of: HASH, ...NOTIFY_FIELDS }),
  /** The notifying station withdraws a notification (`of`: the original's hash). */
  "notify.cancel": z.strictObject({ of: HASH, reason: z.string().max(1000).optional(), operator: OPERATOR }),
  /** Any participant asks about a notification (`of`: the original's hash). */
  clarify: z.strictObject({ of: HASH, question: nonEmpty(4000), operator: OPERATOR }),
  /** An answer to a clarification request (`of`: the `clarify` entry's hash). */
  "clarify.answer": z.strictObject({ of: HASH, text: nonEmpty(4000), operator: OPERATOR }),
  /**
   * A station shares one of its protected zones on the line (a power plant, a corridor), so that
   * every participant computes the conflicts with it. A null bound is unbounded.
   */
  "zone.share": z
    .strictObject({
      name: NAME,
      geometry: VOLUME_GEOMETRY,
      minAltitude: z.number().min(-12_000).max(2_000_000).nullable(),
      maxAltitude: z.number().min(-12_000).max(2_000_000).nullable(),
      from: TIME.nullable(),
      to: TIME.nullable(),
      operator: OPERATOR,
    })
    .refine((b) => (b.minAltitude ?? -Infinity) <= (b.maxAltitude ?? Infinity), {
      message: "must not be below minAltitude",
      path: ["maxAltitude"],
    })
    .refine((b) => (b.from ?? "") <= (b.to ?? "\uffff"), {
      message: "must not be before from",
      path: ["to"],
    }),
  /** The sharing station withdraws a zone it shared (`of`: the `zone.share` entry's hash). */
  "zone.withdraw": z.strictObject({ of: HASH, reason: z.string().max(1000).optional(), operator: OPERATOR }),
  /**
   * The author's routes, every address it can be reached at (replacing what it announced before on
   * the line): a peer learns a station's addresses only from the station itself.
   */
  "route.announce": z.strictObject({
    routes: z
      .array(ROUTE)
      .min(1)
      .max(MAX_ROUTES)
      .refine(
        (routes) => new Set(routes.map((r) => r.name)).size === routes.length,
        "must name each route once",
      )
      .refine(
        (routes) => new Set(routes.map((r) => r.url)).size === routes.length,
        "must give each URL once",
      ),
    operator: OPERATOR,
  }),
} as const;

export type Kind = keyof typeof BODY_SCHEMAS;
export const KINDS = Object.keys(BODY_SCHEMAS) as Kind[];
export type BodyOf<K extends Kind> = z.infer<(typeof BODY_SCHEMAS)[K]>;

const ENVELOPE = {
  v: z.literal(1),
  line: HASH.nullable(),
  author: STATION_ID,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  prev: HASH.nullable(),
  seen: z.record(STATION_ID, HASH),
  time: TIME,
};

function variant<K extends Kind>(kind: K) {
  return z.strictObject({ ...ENVELOPE, kind: z.literal(kind), body: BODY_SCHEMAS[kind], sig: SIGNATURE });
}

/**
 * The envelope of a signed entry, its body not yet read: what a receiver checks before the
 * signature and the chain, leaving the body's schema (the costly part: geometry) for last.
 */
export const ENTRY_ENVELOPE = z.strictObject({
  ...ENVELOPE,
  kind: z.enum(Object.keys(BODY_SCHEMAS) as [Kind, ...Kind[]]),
  body: z.record(z.string(), z.unknown()),
  sig: SIGNATURE,
});
export type EntryEnvelope = z.infer<typeof ENTRY_ENVELOPE>;

/** The schema of a whole signed entry, every kind. */
export const ENTRY_SCHEMA = z.discriminatedUnion("kind", [
  variant("line.genesis"),
  variant("member.add"),
  variant("member.approve"),
  variant("key.rotate"),
  variant("key.revoke"),
  variant("key.revoke.ack"),
  variant("cert.renew"),
  variant("text"),
  variant("line.settings"),
  variant("test"),
  variant("ack"),
  variant("line.suspend"),
  variant("line.resume"),
  variant("call.request"),
  variant("call.accept"),
  variant("call.decline"),
  variant("call.cancel"),
  variant("call.held"),
  variant("readout"),
  variant("readout.mark"),
  variant("translation"),
  variant("notify"),
  variant("notify.update"),
  variant("notify.cancel"),
  variant("clarify"),
  variant("clarify.answer"),
  variant("zone.share"),
  variant("zone.withdraw"),
  variant("route.announce"),
]);

/** A signed entry, as it stands in the record. */
export type Entry = z.infer<typeof ENTRY_SCHEMA>;
/** An entry of one kind. */
export type EntryOf<K extends Kind> = Extract<Entry, { kind: K }>;
/** An entry before it is signed. */
export type UnsignedEntry = Entry extends infer E ? (E extends Entry ? Omit<E, "sig"> : never) : never;
