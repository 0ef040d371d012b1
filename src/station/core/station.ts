import { EventEmitter } from "node:events";
import { readFileSync, rmSync } from "node:fs";
import {
  HotlineError,
  changesMembership,
  type ErrorCode,
  fingerprintOf,
  generateIdentity,
  KEY_KINDS,
  keyAfter,
  keyHistoryOf,
  keySetBy,
  firstSeqOf,
  type KeyChange,
  readStoredEntry,
  signEntry,
  signRevocation,
  signRotation,
  type KeyHistory,
  type BodyOf,
  type Identity,
  type Kind,
  type Precedence,
  type SealedEntry,
  type UnsignedEntry,
  type HeadStatement,
  canonicalJson,
  parseStatement,
  safetyCode,
  signStatement,
} from "../../record/mod.js";
import {
  type NewAlarm,
  type LineInfo,
  type MemberRow,
  type OperatorRow,
  type RaisedAlarm,
  type Store,
} from "../../store/mod.js";
import { completeClock, isoNow, systemClock, type Clock } from "./clock.js";
import { silentLogger, type StationLogger } from "./logger.js";
import { readConfig, stationPaths, type StationConfig, type StationPaths } from "./config.js";
import { RestoreCatchUp } from "./restored.js";
import { DiskFullWatch } from "./disk-full.js";
import { describeStoreLocation, openStore, storeLocationOf, type StoreLocation } from "./store-location.js";
import { OFFLINE_FENCE, fencedStore, type Fence } from "./fenced-store.js";
import { certFingerprint } from "./tls.js";
import { verifyRecord, type VerifyOptions, type VerifyReport } from "./verify.js";
import {
  MAX_CLOCK_AHEAD_MS,
  applyIncoming,
  changesSnapshot,
  keyConflict,
  prepareIncoming,
  type ApplyResult,
  type LineSnapshot,
  type PreparedEntry,
} from "./apply.js";
import { SignaturePool } from "./signature-pool.js";
import {
  makeRevocationToken,
  readRevocationToken,
  type AcceptedRevocation,
  type RevokedKey,
} from "./key-revocation.js";
import { adoptNextKey, nextKeyPath, readIdentityFile, settleKeyRotation, writeNextKey } from "./key-files.js";
import { settingsOf, suspensionOf } from "./settings.js";
import { OwnFolds } from "./seen-fold.js";
import { membersToApprove, namesMember } from "./approvals.js";
import { announcedRoutesOn, primaryOf, sortRoutes } from "./peer-routes.js";
import type { LineSettings, LineSummary, Suspension, WhoAmI } from "../views/mod.js";

/** How old a peer's head statement may be when it arrives: statements are signed as they are sent. */
const STATEMENT_MAX_AGE_MS = 5 * 60_000;

/**
 * Heads a statement may name and still be checked head by head: a receipt names the chains its
 * push carried and its author's own; beyond this, the heads held are read at once (one query, not
 * one per head: a statement of a line of 57 read 57 heads one by one).
 */
const FEW_HEADS = 4;

/** From this many entries on, an incoming batch has its signatures checked over worker threads. */
const PARALLEL_RECEIVE_FROM = 64;

/** What a station tells those who listen (the outbox, the operator API's event stream). */
export interface StationEvents {
  /** entries were stored: written here (local) or received */
  entries: [entries: SealedEntry[], origin: "local" | "remote"];
  /** a peer was heard from (a push, a heads exchange): its outbox may drain at once */
  contact: [station: string];
  /** a peer pushed what waits for entries of other chains it holds: catch up with it on the line now */
  behind: [station: string, line: string];
  /** a peer's head statement was stored */
  statement: [statement: HeadStatement];
  /** an alarm was raised or escalated; repeat: its cause was raised again and only counted (hooks stay quiet) */
  alarm: [id: number, repeat?: boolean];
  /** this station's own routes changed (`hotline route add|remove`): listen accordingly */
  routes: [];
  /** a batch of incoming entries was checked and applied: how long its steps took (for metrics) */
  received: [timing: ReceiveTiming];
  /** a certificate renewal completed: present this certificate and key from now on */
  certificate: [tls: { cert: string; key: string }];
}

/** How long receiving a batch of entries took, by step. */
export interface ReceiveTiming {
  /** entries in the batch */
  entries: number;
  /** checking their signatures, ms (here, or over worker threads for a large batch) */
  verifyMs: number;
  /** the rest: reading, the record's rules and storing, in one transaction, ms */
  applyMs: number;
}

export interface OpenOptions {
  dir?: string | undefined;
  /**
   * the time, timers and randomness (default the system's); a clock with only `now` keeps the
   * system's timers and randomness
   */
  clock?: (Pick<Clock, "now"> & Partial<Clock>) | undefined;
  /** where the station's parts log (default silent); pino fits */
  logger?: StationLogger | undefined;
  /** the lease epoch its writes are fenced by, as the active of a pair (default none: it is alone) */
  fence?: Fence | undefined;
  /** where its record lives (default: as the data directory says, see `storeLocationOf`) */
  location?: StoreLocation | undefined;
}

export interface SendOptions {
  line: string;
  text: string;
  precedence?: Precedence | undefined;
  lang?: string | undefined;
  operator: string;
  replyTo?: string | undefined;
}

/** Changes to a line's settings: the fields of a `line.settings` entry but its operator. */
export type SettingsChanges = {
  [K in keyof Omit<BodyOf<"line.settings">, "operator">]?: BodyOf<"line.settings">[K] | undefined;
};

/** An entry this station is about to write: its kind and body. */
export type Draft = { [K in Kind]: { kind: K; body: BodyOf<K> } }[Kind];

/** A change of a chain's key as a station shows it: with the time of the entry that made it. */
export type KeyChangeAt = KeyChange & { time: string };

/**
 * One party's station: its identity, settings and store, and the domain operations on its lines.
 * Knows nothing of HTTP; takes its clock (time, timers, randomness) and logger as options, so tests
 * move time on instead of waiting.
 */
export class Station {
  readonly paths: StationPaths;
  readonly config: StationConfig;
  #identity: Identity;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: StationLogger;
  /** the fingerprint of the certificate this station presents (it changes when a renewal completes) */
  #cert: string;
  readonly events = new EventEmitter<StationEvents>();
  readonly #signatures = new SignaturePool();
  /** settings per line, computed from the record; dropped when a settings entry is stored */
  readonly #settings = new Map<string, LineSettings>();
  /** per line, what this station's own chain has named of the others: its next `seen` is the delta */
  readonly #folds = new OwnFolds();
  /**
   * per `${line} ${station}`: the newest head statement the station signed on the line, and how far
   * it held its own chain then; no entry of its after that seq may be dated before it
   */
  readonly #claims = new Map<string, { time: string; seq: number }>();
  /** per line and participant, the newest head statement accepted from it (see heardFrom) */
  readonly #heard = new Map<string, HeadStatement>();
  /**
   * per line and participant, the heads (canonical JSON) of the statement of its last stored: one
   * with the same heads again is already kept (UNIQUE line, station, heads), and its coverage too,
   * so storing it again is skipped (a link test on a quiet line: no write of N coverage rows)
   */
  readonly #storedHeads = new Map<string, string>();
  /** per line and participant, when heads were last exchanged with it both ways (this clock's ms) */
  readonly #exchanged = new Map<string, number>();
  /**
   * per line, the rotations of each station that rotated its key there (in seq order), dropped when
   * a key.rotate is stored
   */
  readonly #rotations = new Map<string, Map<string, KeyChangeAt[]>>();
  /** members per line (null: not a line here), dropped when a member entry is stored */
  readonly #members = new Map<string, readonly MemberRow[] | null>();
  /**
   * per line, its members and keys as the record's rules read them for entries received (see
   * LineSnapshot), dropped when an entry that changes them is stored: before its commit
   */
  readonly #snapshots = new Map<string, LineSnapshot>();
  /**
   * every certificate pinned to a member here: read at open and again before listeners hear of a
   * member entry stored, so that the peer TLS guard can ask synchronously
   */
  #pinned = new Set<string>();
  /** certificates members had before a cert.renew, still accepted until (ms) */
  #previous = new Map<string, number>();
  /** set while a station restored from a backup catches up its own chain (see RestoreCatchUp) */
  #restore: RestoreCatchUp | null = null;
  /**
   * the heads held per line, for head statements (both ends of every link test ask: one lookup
   * per participant each time, O(N) per test), dropped when an entry of the line is stored
   */
  readonly #heads = new Map<string, HeadStatement["heads"]>();
  /** counts the entries stored: a read of heads begun before one is stored is not kept */
  #storedCount = 0;

  private constructor(
    paths: StationPaths,
    config: StationConfig,
    identity: Identity,
    store: Store,
    clock: Clock,
    logger: StationLogger,
  ) {
    this.paths = paths;
    this.config = config;
    this.#identity = identity;
    this.store = store;
    this.clock = clock;
    this.logger = logger;
    this.#cert = certFingerprint(readFileSync(paths.tlsCert, "utf8"));
  }

  /** Forgets what stored entries change, and reads the pins again if they may have changed. */
  async #stored(entries: readonly SealedEntry[]): Promise<void> {
    let members = false;
    this.#storedCount += entries.length;
    for (const e of entries) {
      this.#heads.delete(e.entry.line ?? e.hash);
      if (e.entry.kind === "line.settings") this.#settings.delete(e.entry.line ?? "");
      if (keySetBy(e) !== null || e.entry.kind === "key.revoke.ack") {
        this.#rotations.delete(e.entry.line ?? e.hash);
      }
      if (changesMembership(e.entry.kind)) members = true;
      // Dropped in the write's transaction already (#willStore, applyIncoming); again after its
      // commit, so a snapshot read while it was open cannot outlive it.
      if (changesSnapshot(e)) this.#snapshots.delete(e.entry.line ?? e.hash);
    }
    if (!members) return;
    this.#members.clear();
    await this.#readPins();
  }

  /**
   * Entries were written to this station's store other than through it (a test's hostile peer
   * keeping what it forged): forgets what they change, as for its own. Nothing in a station does.
   *
   * @param entries the entries written
   */
  async storedElsewhere(entries: readonly SealedEntry[]): Promise<void> {
    this.#willStore(entries);
    await this.#stored(entries);
  }

  /** Drops the snapshots a write is about to change, in its transaction: no receive reads them stale after the commit. */
  #willStore(entries: readonly SealedEntry[]): void {
    for (const e of entries) if (changesSnapshot(e)) this.#snapshots.delete(e.entry.line ?? e.hash);
  }

  /**
   * Says in the log which entries came through a third participant rather than from their author
   * (one line per chain and batch): relay is deliberate, and an operator can see it happen.
   */
  async #noteRelayed(entries: readonly SealedEntry[], from: string): Promise<void> {
    // A chain's entries applied from one batch are consecutive: first and last say how many.
    const chains = new Map<string, { line: string; author: string; first: number; last: number }>();
    for (const { entry } of entries) {
      if (entry.author === from || entry.line === null) continue;
      const key = `${entry.line} ${entry.author}`;
      const chain = chains.get(key);
      if (chain === undefined)
        chains.set(key, { line: entry.line, author: entry.author, first: entry.seq, last: entry.seq });
      else chain.last = entry.seq;
    }
    for (const { first, last, ...c } of chains.values()) {
      const count = last - first + 1;
      const members = (await this.membersOf(c.line)) ?? [];
      const name = (station: string): string =>
        members.find((m) => m.station === station)?.name ?? station.slice(0, 8);
      this.logger.info(
        { event: "entry.relayed", line: c.line, author: c.author, via: from, entries: count },
        `${count === 1 ? `An entry of ${name(c.author)} (seq ${first})` : `${count} entries of ${name(c.author)} (seq ${first}–${last})`} came via ${name(from)}`,
      );
    }
  }

  async #readPins(): Promise<void> {
    const pinned = new Set<string>();
    const previous = new Map<string, number>();
    for (const line of await this.store.lines())
      for (const m of await this.store.members(line.id)) {
        pinned.add(m.cert);
        if (m.previousCert !== null && m.previousUntil !== null) {
          previous.set(
            m.previousCert,
            Math.max(previous.get(m.previousCert) ?? 0, Date.parse(m.previousUntil)),
          );
        }
      }
    this.#pinned = pinned;
    this.#previous = previous;
  }

  /** @returns the fingerprint of the certificate this station presents to its peers */
  get certFingerprint(): string {
    return this.#cert;
  }

  /**
   * Reads the station's TLS files again (a certificate renewal completed) and tells listeners, so
   * the peer server and client present the new certificate from now on.
   */
  reloadCertificate(): void {
    const tls = {
      cert: readFileSync(this.paths.tlsCert, "utf8"),
      key: readFileSync(this.paths.tlsKey, "utf8"),
    };
    this.#cert = certFingerprint(tls.cert);
    this.events.emit("certificate", tls);
  }

  /**
   * Whether a member presenting a certificate is that member: its certificate, or the one it had
   * before its last cert.renew while the grace period lasts (until it is seen with the new one).
   *
   * @param member a member of a line
   * @param cert the certificate presented
   * @returns "current", "previous", or null: not this member
   */
  presents(member: MemberRow, cert: string): "current" | "previous" | null {
    if (member.cert === cert) return "current";
    if (member.previousCert === cert && Date.parse(member.previousUntil ?? "") > this.clock.now())
      return "previous";
    return null;
  }

  /**
   * A member was seen presenting its new certificate: its previous one is no longer accepted.
   *
   * @param member the member
   */
  async retirePreviousCert(member: MemberRow): Promise<void> {
    if (member.previousCert === null) return;
    if ((await this.store.retirePreviousCerts(member.station, member.cert)) === 0) return;
    this.logger.info(
      { event: "cert.retired", station: member.station },
      "a peer presents its renewed certificate: the previous one is no longer accepted",
    );
    this.#members.clear();
    this.#snapshots.clear();
    await this.#readPins();
  }

  /**
   * @param line a line id
   * @returns its members, participants and those waiting for consent (null: no such line here);
   *   kept until a member entry is stored, as every peer request asks
   */
  async membersOf(line: string): Promise<readonly MemberRow[] | null> {
    let members = this.#members.get(line);
    if (members === undefined) {
      members = (await this.store.line(line)) === null ? null : await this.store.members(line);
      this.#members.set(line, members);
    }
    return members;
  }

  /** how many certificates are pinned to members of the lines here (this station's own included) */
  get pinnedCount(): number {
    return this.#pinned.size;
  }

  /**
   * @param cert a certificate fingerprint
   * @returns whether it is pinned to a member of some line here (synchronous: the TLS guard asks)
   */
  isPinned(cert: string): boolean {
    return this.#pinned.has(cert) || (this.#previous.get(cert) ?? 0) > this.clock.now();
  }

  /**
   * @param line a line id
   * @returns the settings in force on the line
   */
  async settings(line: string): Promise<LineSettings> {
    let settings = this.#settings.get(line);
    if (settings === undefined) {
      settings = await settingsOf(this.store, line);
      this.#settings.set(line, settings);
    }
    return settings;
  }

  /**
   * Suspends a line, or puts it back in service, by a signed entry.
   *
   * @param options the line (id, prefix or name), suspend (with a reason) or resume, the operator
   * @returns the entry's hash and seq, and the suspension now in force
   */
  async suspendLine(options: {
    line: string;
    suspend: boolean;
    reason?: string | undefined;
    operator: string;
  }): Promise<{
    hash: string;
    seq: number;
    suspended: Suspension | null;
  }> {
    const line = await this.resolveLine(options.line);
    const now = await suspensionOf(this.store, line.id);
    if (options.suspend && now !== null) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot suspend ${line.name}: it is suspended already, since ${now.since}`,
      );
    }
    if (!options.suspend && now === null) {
      throw new HotlineError("BAD_INPUT", `Cannot resume ${line.name}: it is not suspended`);
    }
    const sealed = options.suspend
      ? await this.write(line.id, {
          kind: "line.suspend",
          body: { reason: options.reason ?? "", operator: options.operator },
        })
      : await this.write(line.id, { kind: "line.resume", body: { operator: options.operator } });
    return {
      hash: sealed.hash,
      seq: sealed.entry.seq,
      suspended: await suspensionOf(this.store, line.id),
    };
  }

  /**
   * Changes a line's settings by writing a signed `line.settings` entry (only the fields given).
   *
   * @param options the line (id, prefix or name), the changes, the operator
   * @returns the entry's hash and seq, and the settings now in force
   */
  async setLine(options: { line: string; operator: string } & SettingsChanges): Promise<{
    hash: string;
    seq: number;
    settings: LineSettings;
  }> {
    const line = await this.resolveLine(options.line);
    const { line: _line, operator, ...changes } = options;
    const body = {
      ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)),
      operator,
    } as BodyOf<"line.settings">;
    if (Object.keys(body).length === 1) {
      throw new HotlineError("USAGE", "Cannot change the line's settings: give at least one setting");
    }
    const sealed = await this.write(line.id, { kind: "line.settings", body });
    return { hash: sealed.hash, seq: sealed.entry.seq, settings: await this.settings(line.id) };
  }

  /**
   * Opens the station in a data directory.
   *
   * @param options directory (see `stationPaths`), clock and logger
   * @returns the open station; close it when done
   */
  static async open(options: OpenOptions = {}): Promise<Station> {
    const paths = stationPaths(options.dir);
    const config = readConfig(paths);
    let identity = readIdentityFile(paths.identityKey);
    const disk = new DiskFullWatch();
    const opened = await openStore(options.location ?? storeLocationOf(paths), {
      onDiskFull: (full) => disk.changed(full),
    });
    // Fenced before anything below writes: an active that lost its lease writes nothing at all.
    // One of a pair opened by no process of the pair (the CLI offline) writes nothing either.
    const fence = options.fence ?? (config.pair === undefined ? undefined : OFFLINE_FENCE);
    const store = fence === undefined ? opened : fencedStore(opened, fence);
    // A rotation a crash interrupted is finished (its entries were committed) or undone.
    const settled = await settleKeyRotation(paths, async (key) => {
      for (const line of await store.lines()) {
        for (const kind of ["key.rotate", "key.revoke"]) {
          for (const stored of await store.entriesOfKind(line.id, kind)) {
            const entry = readStoredEntry(stored);
            if (
              (entry.kind === "key.rotate" || entry.kind === "key.revoke") &&
              entry.author === identity.id &&
              entry.body.key === key
            )
              return true;
          }
        }
      }
      return false;
    });
    if (settled === "finished") identity = readIdentityFile(paths.identityKey);
    const clock = options.clock === undefined ? systemClock : completeClock(options.clock);
    const station = new Station(paths, config, identity, store, clock, options.logger ?? silentLogger);
    disk.attach(station);
    await station.#readPins();
    station.#restore = await RestoreCatchUp.open(paths, store, identity.id, station.logger);
    return station;
  }

  get id(): string {
    return this.#identity.id;
  }

  /** The station's signing identity: its id, and the key it signs with now. */
  get identity(): Identity {
    return this.#identity;
  }

  whoami(): WhoAmI {
    return {
      id: this.id,
      name: this.config.name,
      fingerprint: fingerprintOf(this.#identity.key),
      cert: this.certFingerprint,
      url: this.config.url,
      store: describeStoreLocation(storeLocationOf(this.paths)),
    };
  }

  /**
   * Opens a new line with this station as its only participant, by writing its genesis entry.
   *
   * @param options the line's name and the operator who opened it
   * @returns the new line's id and name
   */
  async createLine(options: { name: string; operator: string }): Promise<{ id: string; name: string }> {
    const sealed = await this.write(null, {
      kind: "line.genesis",
      body: {
        name: options.name,
        creator: {
          station: this.id,
          name: this.config.name,
          url: this.config.url,
          cert: this.certFingerprint,
          ...this.firstKey(),
        },
        operator: options.operator,
      },
    });
    return { id: sealed.hash, name: options.name.trim() };
  }

  /**
   * Finds a line by its id, a unique prefix of its id, or its name.
   *
   * @param ref what the operator typed
   * @returns the line
   * @throws HotlineError UNKNOWN_LINE or AMBIGUOUS_LINE
   */
  async resolveLine(ref: string): Promise<LineInfo> {
    const exact = /^[0-9a-f]{64}$/.test(ref) ? await this.store.line(ref) : null;
    if (exact !== null) return exact;
    const lines = await this.store.lines();
    const wanted = ref.trim().toLowerCase();
    const byName = lines.filter((l) => l.name.toLowerCase() === wanted);
    if (byName.length === 1 && byName[0] !== undefined) return byName[0];
    const byPrefix = /^[0-9a-f]{4,}$/.test(ref) ? lines.filter((l) => l.id.startsWith(ref)) : [];
    const found = byName.length > 1 ? byName : byPrefix;
    if (found.length === 1 && found[0] !== undefined) return found[0];
    if (found.length > 1) {
      throw new HotlineError(
        "AMBIGUOUS_LINE",
        `Cannot choose line '${ref}': it could be ${found.map((l) => `${l.name} (${l.id.slice(0, 12)})`).join(" or ")}; give more of the id`,
      );
    }
    throw new HotlineError(
      "UNKNOWN_LINE",
      `Cannot find line '${ref}': no line has that id, id prefix or name (see 'hotline lines')`,
    );
  }

  /** @returns every line with its participants and entry count */
  async lines(): Promise<LineSummary[]> {
    const summaries: LineSummary[] = [];
    for (const line of await this.store.lines()) {
      const rotations = await this.rotationsOn(line.id);
      const keyOf = (station: string) => rotations.get(station)?.at(-1)?.key ?? station;
      const acked = new Set((await this.store.keyChangeAcks(line.id)).map((a) => `${a.station} ${a.key}`));
      const keyChangeOf = (station: string) => {
        // A key a chain began with (seq 0) is no change on this line: it was paired with it.
        const latest = rotations
          .get(station)
          ?.filter((r) => r.seq > 0)
          .at(-1);
        return station === this.id || latest === undefined || acked.has(`${station} ${latest.key}`)
          ? null
          : { at: latest.time, key: latest.key };
      };
      const announced = await announcedRoutesOn(this.store, line.id);
      summaries.push({
        id: line.id,
        name: line.name,
        participants: await Promise.all(
          (await this.store.members(line.id)).map(async (p) => ({
            id: p.station,
            name: p.name,
            fingerprint: fingerprintOf(keyOf(p.station)),
            safetyCode:
              p.station === this.id
                ? null
                : safetyCode(
                    { id: this.#identity.key, cert: this.certFingerprint },
                    { id: keyOf(p.station), cert: p.cert },
                  ),
            pending: !p.active,
            awaiting: p.consenters.filter((c) => !p.approvals.includes(c)),
            routes: sortRoutes(announced.get(p.station) ?? [primaryOf(p.url)]),
            keyChange: keyChangeOf(p.station),
          })),
        ),
        entries: line.entries,
        settings: await this.settings(line.id),
        suspended: await suspensionOf(this.store, line.id),
      });
    }
    return summaries;
  }

  /**
   * Consents, as this station, to a station another participant added to a line: a signed
   * `member.approve`. Once every participant asked has consented, it is a participant: the line is
   * sent to it and what it writes is accepted.
   *
   * @param options the line (id, prefix or name), the member (station id, unique id prefix or name), the operator
   * @returns the entry's hash and seq, and who still has to consent
   * @throws HotlineError NOT_FOUND (no such member waiting), BAD_INPUT (this station was not asked, or consented already)
   */
  async approveMember(options: { line: string; member: string; operator: string }): Promise<{
    hash: string;
    seq: number;
    member: string;
    awaiting: string[];
  }> {
    const { hash, seq, approved } = await this.approveMembers({ ...options, members: [options.member] });
    const [one] = approved;
    if (one === undefined) throw new Error("approveMembers returned no member");
    return { hash, seq, ...one };
  }

  /**
   * Consents, as this station, to several stations added to a line in one signed `member.approve`
   * (its `of` lists their additions): an operator who invited a batch of stations, or a
   * participant asked about all of them, consents once, not once each.
   *
   * @param options the line (id, prefix or name); the members (each a station id, unique id prefix
   *   or name; at most 63) or "all" (every addition awaiting this station's consent); the operator
   * @returns the entry's hash and seq, and for each member who still has to consent
   * @throws HotlineError NOT_FOUND (no such member, or none waiting for "all"), BAD_INPUT (one was
   *   not asked of this station, is a participant, or has its consent already; more than 63)
   */
  async approveMembers(options: {
    line: string;
    members: readonly string[] | "all";
    operator: string;
  }): Promise<{ hash: string; seq: number; approved: { member: string; awaiting: string[] }[] }> {
    const line = await this.resolveLine(options.line);
    const chosen = membersToApprove(await this.store.members(line.id), {
      refs: options.members,
      self: this.id,
      lineName: line.name,
    });
    const adds = chosen.map((m) => m.addedBy);
    const sealed = await this.write(line.id, {
      kind: "member.approve",
      // One addition keeps the form every approval had before several could be named at once.
      body: { of: adds.length === 1 ? (adds[0] as string) : adds, operator: options.operator },
    });
    const now = await this.store.members(line.id);
    return {
      hash: sealed.hash,
      seq: sealed.entry.seq,
      approved: chosen.map((m) => {
        const after = now.find((n) => n.station === m.station);
        return {
          member: m.station,
          awaiting: after === undefined ? [] : after.consenters.filter((c) => !after.approvals.includes(c)),
        };
      }),
    };
  }

  /**
   * Writes a text message on a line.
   *
   * @param options line (id, prefix or name), text, precedence (default ROUTINE), language
   *   (default the station's), operator
   * @returns the new entry's hash and seq
   */
  async send(options: SendOptions): Promise<{ hash: string; seq: number }> {
    const line = await this.resolveLine(options.line);
    const sealed = await this.write(line.id, {
      kind: "text",
      body: {
        text: options.text,
        lang: options.lang ?? this.config.lang,
        precedence: options.precedence ?? "ROUTINE",
        operator: options.operator,
        ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
      },
    });
    return { hash: sealed.hash, seq: sealed.entry.seq };
  }

  /**
   * Writes entries of this station's own chain on a line, signed, in one durable transaction. The
   * chain head is read inside the same write transaction, so two writers (the running station and
   * a CLI) can never fork the chain.
   *
   * @param line the line id; null only for a genesis
   * @param drafts the kinds and bodies to write, in order
   * @returns the sealed entries as stored
   */
  async writeMany(line: string | null, drafts: readonly Draft[]): Promise<SealedEntry[]> {
    const written = await this.store.transaction(async (tx) => {
      const now = isoNow(this.clock);
      const sealed: SealedEntry[] = [];
      let head = line === null ? null : await tx.head(line, this.id);
      // Never dated before the chain's previous entry, whatever this clock did (the record's rule).
      const time = head !== null && head.time > now ? head.time : now;
      // Only the heads that moved since this chain's previous entry; the entries after the first
      // of a batch have seen nothing new.
      let seen = line === null ? {} : await this.#folds.next(tx, line, this.id, head, await tx.heads(line));
      for (const draft of drafts) {
        const unsigned = {
          v: 1,
          line: line ?? sealed[0]?.hash ?? null,
          author: this.id,
          seq: (head?.seq ?? 0) + 1,
          prev: head?.hash ?? null,
          seen,
          time,
          ...draft,
        } as UnsignedEntry;
        const entry = signEntry(unsigned, this.identity);
        sealed.push(entry);
        head = { author: this.id, seq: entry.entry.seq, hash: entry.hash, time };
        seen = {};
      }
      this.#willStore(sealed);
      await tx.appendEntries(sealed, now);
      return sealed;
    });
    const first = written[0];
    if (first !== undefined) this.#folds.wrote(line ?? first.hash, written);
    await this.#stored(written);
    this.events.emit("entries", written, "local");
    return written;
  }

  /**
   * Writes one entry of this station's own chain.
   *
   * @param line the line id; null only for a genesis
   * @param draft kind and body
   * @returns the sealed entry as stored
   */
  async write(line: string | null, draft: Draft): Promise<SealedEntry> {
    const [sealed] = await this.writeMany(line, [draft]);
    if (sealed === undefined)
      throw new HotlineError("INTERNAL", "Cannot write the entry: nothing was written");
    return sealed;
  }

  /**
   * Verifies this station's whole record: every entry's bytes, hash and signature (over worker
   * threads when the record is large), every chain and every line.
   *
   * @param options worker threads
   * @returns ok, counts and problems
   */
  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    const lines = (await this.store.lines()).map((l) => l.id);
    const keys: KeyHistory = {};
    for (const line of lines) {
      const stored = (
        await Promise.all(KEY_KINDS.map((kind) => this.store.entriesOfKind(line, kind)))
      ).flat();
      const setters = stored.flatMap((e) => {
        try {
          return [{ entry: readStoredEntry(e), bytes: e.bytes, hash: e.hash }];
        } catch {
          return []; // a damaged entry is the per-entry check's to report
        }
      });
      Object.assign(keys, keyHistoryOf(setters));
    }
    return verifyRecord(() => this.store.allEntries(), await this.store.countEntries(), {
      lines,
      keys,
      ...options,
    });
  }

  /**
   * @param line a line id
   * @returns the keys of the line's chains, per station whose key is not its id, in seq order: the
   *   key its chain began with at seq 0 when its genesis or member.add named one, then each
   *   rotation's (kept until an entry that sets a key is stored)
   */
  async rotationsOn(line: string): Promise<ReadonlyMap<string, readonly KeyChangeAt[]>> {
    let rotations = this.#rotations.get(line);
    if (rotations === undefined) {
      rotations = new Map();
      // Only lines held here are kept, so that naming lines costs a peer's requests nothing here.
      if ((await this.store.line(line)) === null) return rotations;
      // Another station's revocation counts here only once this station's operator accepted it.
      const accepted = new Set<string>();
      for (const stored of await this.store.entriesOfKind(line, "key.revoke.ack")) {
        const ack = readStoredEntry(stored);
        if (ack.kind === "key.revoke.ack" && ack.author === this.id) accepted.add(ack.body.of);
      }
      for (const kind of KEY_KINDS) {
        for (const stored of await this.store.entriesOfKind(line, kind)) {
          const sealed = { entry: readStoredEntry(stored), bytes: stored.bytes, hash: stored.hash };
          const set = keySetBy(sealed);
          if (set === null) continue;
          if (set.revoked !== undefined && set.station !== this.id && !accepted.has(sealed.hash)) continue;
          const { line: _line, station: _station, ...change } = set;
          const list = rotations.get(set.station) ?? [];
          list.push({ ...change, time: sealed.entry.time });
          list.sort((a, b) => firstSeqOf(a) - firstSeqOf(b) || a.seq - b.seq);
          rotations.set(set.station, list);
        }
      }
      this.#rotations.set(line, rotations);
    }
    return rotations;
  }

  /**
   * @param line a line id
   * @param station a station on it
   * @returns the key the station signs with on the line now: its newest rotation's key, else the key
   *   its chain began with (its id unless its genesis or member.add named another)
   */
  async keyOn(line: string, station: string): Promise<string> {
    if (station === this.id) return this.#identity.key;
    return (await this.rotationsOn(line)).get(station)?.at(-1)?.key ?? station;
  }

  /**
   * Rotates this station's identity key: makes a new Ed25519 key and announces it on every line in
   * a `key.rotate` entry signed by the old key and carrying the new key's proof, all in one
   * transaction. The new key is written (0600) beside the old one first and takes its place only
   * once the entries are committed; a crash in between is settled when the station next opens.
   * The old key is deleted. The station id stays: it names the station.
   *
   * @param options the operator
   * @returns the new key's fingerprint, and the lines it was announced on
   * @throws HotlineError BAD_INPUT when the station is on no line, or waits for consent on one
   */
  async rotateKey(options: { operator: string }): Promise<{
    key: string;
    fingerprint: string;
    lines: { id: string; name: string; hash: string; seq: number }[];
  }> {
    const { next, lines, written } = await this.#changeKey("rotate", (line, next, seq, prev) => ({
      kind: "key.rotate",
      body: {
        key: next.key,
        proof: signRotation({ line, station: this.id, key: next.key, seq, prev }, next),
        operator: options.operator,
      },
    }));
    return {
      key: next.key,
      fingerprint: fingerprintOf(next.key),
      lines: written.map((e) => ({
        id: e.entry.line ?? "",
        name: lines.find((l) => l.id === e.entry.line)?.name ?? "",
        hash: e.hash,
        seq: e.entry.seq,
      })),
    };
  }

  /**
   * Changes this station's key on every line in one transaction: the new key is written (0600)
   * beside the old one first and takes its place only once the entries are committed; a crash in
   * between is settled when the station next opens. The old key is deleted. A rotation's entry is
   * signed by the old key, a revocation's by the new.
   */
  async #changeKey(
    how: "rotate" | "revoke",
    draft: (line: string, next: Identity, seq: number, prev: string | null) => Draft,
  ): Promise<{ next: Identity; lines: { id: string; name: string }[]; written: SealedEntry[] }> {
    const what = how === "rotate" ? "rotate" : "revoke";
    const lines = await this.store.lines();
    if (lines.length === 0) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot ${what} the station key: the station is on no line to announce it on; make a new station instead ('hotline init')`,
      );
    }
    for (const line of lines) {
      const me = (await this.store.members(line.id)).find((m) => m.station === this.id);
      if (me?.active !== true) {
        throw new HotlineError(
          "BAD_INPUT",
          `Cannot ${what} the station key: on ${line.name} this station still waits for consent, so it could not announce the new key there`,
        );
      }
    }
    const fresh = generateIdentity();
    const next: Identity = { ...fresh, id: this.id };
    writeNextKey(this.paths, next);
    let written: SealedEntry[];
    try {
      written = await this.store.transaction(async (tx) => {
        const now = isoNow(this.clock);
        const sealed: SealedEntry[] = [];
        for (const line of lines) {
          const head = await tx.head(line.id, this.id);
          const seen = await this.#folds.next(tx, line.id, this.id, head, await tx.heads(line.id));
          const seq = (head?.seq ?? 0) + 1;
          const prev = head?.hash ?? null;
          const unsigned = {
            v: 1,
            line: line.id,
            author: this.id,
            seq,
            prev,
            seen,
            time: head !== null && head.time > now ? head.time : now,
            ...draft(line.id, next, seq, prev),
          } as UnsignedEntry;
          sealed.push(signEntry(unsigned, how === "rotate" ? this.#identity : next));
        }
        this.#willStore(sealed);
        await tx.appendEntries(sealed, now);
        return sealed;
      });
    } catch (error) {
      rmSync(nextKeyPath(this.paths), { force: true });
      throw error;
    }
    adoptNextKey(this.paths);
    this.#identity = next;
    for (const entry of written) this.#folds.wrote(entry.entry.line ?? entry.hash, [entry]);
    await this.#stored(written);
    this.events.emit("entries", written, "local");
    return { next, lines, written };
  }

  /**
   * Revokes this station's key, believed stolen from `since` on: makes a new key (written 0600 before
   * anything is committed, and taking the old one's place only after, as a rotation does) and writes
   * on every line a `key.revoke` signed by the NEW key — the old one, the thief's too, cannot vouch
   * for it. Each peer takes the new key only when its operator accepts the re-pairing token returned
   * here, having read the new safety code aloud with this station's operators.
   *
   * @param options since when the key is believed stolen (not in the future), the operator
   * @returns the new key, and per line its entry, its re-pairing token and each peer's new safety code
   * @throws HotlineError BAD_INPUT for a `since` in the future or unreadable, on no line, or one awaiting consent
   */
  async revokeKey(options: { since: string; operator: string }): Promise<RevokedKey> {
    const at = Date.parse(options.since);
    if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(options.since)) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot revoke the key: --since '${options.since}' is not an ISO 8601 time (e.g. 2026-12-07T09:00:00Z)`,
      );
    }
    if (at > this.clock.now()) {
      throw new HotlineError("BAD_INPUT", `Cannot revoke the key: --since ${options.since} is in the future`);
    }
    const since = new Date(at).toISOString();
    const revoked = this.#identity.key;
    const old = this.#identity;
    const { next, lines, written } = await this.#changeKey("revoke", (line, next, seq, prev) => ({
      kind: "key.revoke",
      body: {
        key: next.key,
        revoked,
        since,
        proof: signRevocation({ line, station: this.id, key: next.key, revoked, since, seq, prev }, old),
        operator: options.operator,
      },
    }));
    const out: RevokedKey = { key: next.key, fingerprint: fingerprintOf(next.key), since, lines: [] };
    for (const e of written) {
      const line = lines.find((l) => l.id === e.entry.line);
      if (line === undefined) continue;
      const peers = (await this.store.members(line.id)).filter((m) => m.station !== this.id && m.active);
      out.lines.push({
        id: line.id,
        name: line.name,
        hash: e.hash,
        seq: e.entry.seq,
        token: makeRevocationToken(
          {
            v: 1,
            type: "hotline key revocation",
            line: line.id,
            lineName: line.name,
            station: this.id,
            name: this.config.name,
            url: this.config.url,
            cert: this.certFingerprint,
            key: next.key,
            since,
            entry: e.hash,
          },
          next,
        ),
        peers: await Promise.all(
          peers.map(async (m) => ({
            id: m.station,
            name: m.name,
            safetyCode: safetyCode(
              { id: next.key, cert: this.certFingerprint },
              { id: await this.keyOn(line.id, m.station), cert: m.cert },
            ),
          })),
        ),
      });
    }
    return out;
  }

  /**
   * Accepts, as this station's operator, another station's new key after its revocation: the token
   * (made by the revoking station, signed by its new key) must name a `key.revoke` this station
   * holds, and the operator should have read the new safety code aloud with the other side first.
   * Writes a `key.revoke.ack` on the line: from then on this station takes the new key, refuses what
   * the revoked key signed after `since` (KEY_REVOKED), and the revocation's alarm clears. Another
   * participant's acknowledgement never does this for this station.
   *
   * @param options the token, the operator
   * @returns the line, the station, its new key, and the safety code with it now
   * @throws HotlineError BAD_INPUT, BAD_SIGNATURE, UNKNOWN_LINE, NOT_FOUND (the revocation not held yet), ALREADY_ACKED
   */
  async acceptRevocation(options: { token: string; operator: string }): Promise<AcceptedRevocation> {
    const token = readRevocationToken(options.token);
    if (token.station === this.id) {
      throw new HotlineError("BAD_INPUT", "Cannot accept the token: it is this station's own revocation");
    }
    const line = await this.store.line(token.line);
    if (line === null) {
      throw new HotlineError(
        "UNKNOWN_LINE",
        `Cannot accept the token: this station is not on line ${token.lineName}`,
      );
    }
    const member = (await this.store.members(line.id)).find((m) => m.station === token.station);
    const stored = await this.store.entryByHash(token.entry);
    if (member === undefined || stored === null || stored.line !== line.id) {
      throw new HotlineError(
        "NOT_FOUND",
        `Cannot accept the token: ${token.name}'s revocation has not reached this station on ${line.name} yet; try again once it has (it is pushed at once, or pulled at the next link test)`,
      );
    }
    const entry = readStoredEntry(stored);
    if (
      entry.kind !== "key.revoke" ||
      entry.author !== token.station ||
      entry.body.key !== token.key ||
      entry.body.since !== token.since
    ) {
      throw new HotlineError(
        "BAD_INPUT",
        "Cannot accept the token: it does not match the key revocation held here (station, new key or since differ)",
      );
    }
    if (member.cert !== token.cert) {
      throw new HotlineError(
        "BAD_INPUT",
        `Cannot accept the token: it names certificate ${token.cert.slice(0, 19)}…, not the one pinned here for ${member.name}`,
      );
    }
    for (const e of await this.store.entriesOfKind(line.id, "key.revoke.ack")) {
      const ack = readStoredEntry(e);
      if (ack.kind === "key.revoke.ack" && ack.author === this.id && ack.body.of === token.entry) {
        throw new HotlineError(
          "ALREADY_ACKED",
          `Cannot accept the token: ${member.name}'s new key was accepted here already`,
        );
      }
    }
    const sealed = await this.write(line.id, {
      kind: "key.revoke.ack",
      body: {
        of: token.entry,
        station: token.station,
        key: token.key,
        since: token.since,
        operator: options.operator,
      },
    });
    await this.store.clearAlarmsOfEntry(
      { entry: token.entry, peer: null, code: "KEY_REVOKED" },
      isoNow(this.clock),
    );
    // The new code was read aloud to accept it: the key change notice is settled with it.
    await this.store.ackKeyChange({
      line: line.id,
      station: token.station,
      key: token.key,
      ackedBy: options.operator,
      ackedAt: isoNow(this.clock),
    });
    return {
      line: line.id,
      station: token.station,
      key: token.key,
      since: token.since,
      hash: sealed.hash,
      safetyCode: safetyCode(
        { id: this.#identity.key, cert: this.certFingerprint },
        { id: token.key, cert: member.cert },
      ),
    };
  }

  /**
   * Acknowledges, at this station, that a participant's key changed on a line and that its new
   * safety code was read aloud with its operators: the console's notice goes away. Kept locally,
   * never written as an entry.
   *
   * @param options the line (id, prefix or name), the participant (station id, unique id prefix or name), the operator
   * @returns what was acknowledged
   * @throws HotlineError NOT_FOUND when the participant's key never changed on the line
   */
  async acknowledgeKeyChange(options: { line: string; member: string; operator: string }): Promise<{
    line: string;
    station: string;
    key: string;
    safetyCode: string | null;
  }> {
    const line = await this.resolveLine(options.line);
    const ref = options.member.trim();
    const matches = (await this.store.members(line.id)).filter((m) => namesMember(m, ref));
    const member = matches.length === 1 ? matches[0] : undefined;
    const latest =
      member === undefined
        ? undefined
        : (await this.rotationsOn(line.id))
            .get(member.station)
            ?.filter((r) => r.seq > 0)
            .at(-1);
    if (member === undefined || latest === undefined) {
      throw new HotlineError(
        "NOT_FOUND",
        `Cannot acknowledge a key change of '${ref}' on ${line.name}: ${member === undefined ? "no single participant has that id or name" : "its key never changed on the line"}`,
      );
    }
    await this.store.ackKeyChange({
      line: line.id,
      station: member.station,
      key: latest.key,
      ackedBy: options.operator,
      ackedAt: isoNow(this.clock),
    });
    return {
      line: line.id,
      station: member.station,
      key: latest.key,
      safetyCode: await this.safetyCodeWith(member.station, line.id),
    };
  }

  /**
   * Checks a station's claim to begin a chain with a key against the keys known here on every line
   * (see keyConflict).
   *
   * @param member the station claimed, and the key it names (none: its station id)
   * @returns why the claim conflicts with a key known here, or null
   */
  async keyConflict(member: { station: string; key?: string | undefined }): Promise<string | null> {
    const key = member.key ?? member.station;
    if (member.station !== this.id && key === this.#identity.key)
      return `key ${key.slice(0, 10)}… is this station's`;
    return keyConflict(this.store, { station: member.station, key }, this.id);
  }

  /**
   * What this station's claim to a place on a new line (its genesis, or its member claim when it
   * joins) says of its key: nothing while it signs with its station id's key; after a rotation, the
   * key it holds now, which its chain there begins with.
   *
   * @returns `{ key }`, or nothing
   */
  firstKey(): { key?: string } {
    return this.#identity.key === this.#identity.id ? {} : { key: this.#identity.key };
  }

  /**
   * @param name an operator's name
   * @returns the operator, if it exists and is not disabled
   * @throws HotlineError UNKNOWN_OPERATOR, or FORBIDDEN when the operator is disabled
   */
  async operator(name: string): Promise<OperatorRow> {
    const op = await this.store.operator(name);
    if (op === null) {
      throw new HotlineError(
        "UNKNOWN_OPERATOR",
        `Cannot act as operator '${name}': there is no such operator here (see 'hotline operator list')`,
      );
    }
    if (op.disabled) {
      throw new HotlineError("FORBIDDEN", `Cannot act as operator '${name}': the operator is disabled`);
    }
    return op;
  }

  /**
   * Applies entries received from a peer (see applyIncoming), and raises an alarm on equivocation.
   *
   * @param values entries as received
   * @param options the participant that delivered them, a line being joined, if any
   * @returns what was stored and what was refused
   */
  async receive(
    values: readonly unknown[],
    options: {
      from?: string | undefined;
      joining?: string;
      prepared?: readonly (PreparedEntry | undefined)[] | undefined;
      verifiedInMs?: number;
    } = {},
  ): Promise<ApplyResult> {
    const alarms: RaisedAlarm[] = [];
    const started = performance.now();
    const result = await applyIncoming(values, {
      store: this.store,
      self: this.id,
      now: this.clock.now(),
      claimOf: (line, author) => this.#claims.get(`${line} ${author}`) ?? null,
      from: options.from,
      joining: options.joining,
      prepared: options.prepared,
      kept: this.#snapshots,
      // raised in the transaction that keeps the evidence; listeners hear of it once committed
      onEquivocation: async (error, tx) => {
        const alarm = await tx.raiseAlarm({
          raisedAt: isoNow(this.clock),
          code: "EQUIVOCATION",
          severity: "critical",
          line: error.place.line ?? null,
          peer: error.place.author ?? null,
          entry: error.place.hash ?? null,
          detail: error.message,
          // one alarm per forger and line, however many entries it forges (each kept as evidence)
          cause: JSON.stringify([error.place.line ?? null, error.place.author ?? null]),
        });
        alarms.push(alarm);
      },
    });
    this.events.emit("received", {
      entries: values.length,
      verifyMs: (options.verifiedInMs ?? 0) + result.signatureMs,
      applyMs: performance.now() - started - result.signatureMs,
    });
    for (const { id, outcome } of alarms) this.events.emit("alarm", id, outcome === "repeated");
    await this.#stored(result.applied);
    if (options.from !== undefined) await this.#noteRelayed(result.applied, options.from);
    // Another station revoked its key: what it writes next waits here until an operator accepts.
    for (const e of result.applied) {
      if (e.entry.kind !== "key.revoke" || e.entry.author === this.id) continue;
      const name = (await this.membersOf(e.entry.line ?? ""))?.find(
        (m) => m.station === e.entry.author,
      )?.name;
      await this.raiseAlarm({
        code: "KEY_REVOKED",
        severity: "critical",
        line: e.entry.line,
        peer: e.entry.author,
        entry: e.hash,
        detail: `${name ?? e.entry.author.slice(0, 10)} revoked its key (believed stolen since ${e.entry.body.since}); what it writes next waits here until an admin, having read the new safety code aloud with its operators, accepts its re-pairing token ('hotline key accept --token …')`,
      });
    }
    if (result.applied.length > 0) this.events.emit("entries", result.applied, "remote");
    return result;
  }

  /**
   * As {@link receive}, but a large batch (a backlog after an outage, a page of catch-up) has its
   * signatures checked over worker threads first, then is applied in order as one.
   *
   * @param values entries as received
   * @param options the participant that delivered them
   * @returns what was stored and what was refused
   */
  async receiveBatch(values: readonly unknown[], options: { from?: string } = {}): Promise<ApplyResult> {
    const checked = await this.checkSignatures(values);
    return this.receive(values, { ...options, ...(checked ?? {}) });
  }

  /**
   * Checks the signatures of a large batch over worker threads, ahead of applying it (what
   * {@link receiveBatch} does first; the peer server's push queue does it for each push as it
   * arrives, then applies the pushes of one sender in order, together).
   *
   * @param values entries as received
   * @returns the entries read and checked, and the time it took; null for a batch too small to be
   *   worth the threads (its signatures are checked as it is applied)
   */
  async checkSignatures(
    values: readonly unknown[],
  ): Promise<{ prepared: PreparedEntry[]; verifiedInMs: number } | null> {
    if (values.length < PARALLEL_RECEIVE_FROM) return null;
    // The keys in force of the chains that rotated, so that their signatures are checked there too.
    const keys = new Map<string, string>();
    const lines = new Set(
      values.map((v) => (v as { line?: unknown } | null)?.line).filter((l) => typeof l === "string"),
    );
    for (const line of lines) {
      if ((await this.store.line(line)) === null) continue; // refused when applied
      for (const [author, list] of await this.rotationsOn(line)) {
        const latest = list.at(-1);
        if (latest !== undefined) keys.set(`${line} ${author}`, latest.key);
      }
    }
    const started = performance.now();
    const { prepared, jobs } = prepareIncoming(values, keys);
    const ok = await this.#signatures.check(jobs);
    for (const [i, job] of jobs.entries())
      (prepared[job.index] as PreparedEntry).signatureOk = ok[i] === true;
    return { prepared, verifiedInMs: performance.now() - started };
  }

  /**
   * The newest head statement this station accepted from a participant on a line (as signed by
   * it: a third station may be handed it, to learn what that participant holds when it cannot
   * reach it itself). Kept in memory only, per line and participant, so bounded by the members.
   *
   * @param line a line id
   * @param station a participant
   * @returns its statement, or null if none was heard since this station started
   */
  heardFrom(line: string, station: string): HeadStatement | null {
    return this.#heard.get(`${line} ${station}`) ?? null;
  }

  /**
   * @param statement a participant's head statement, checked
   * @returns whether it holds, of some chain of its line, entries this station lacks
   */
  async isBehind(statement: HeadStatement): Promise<boolean> {
    for (const [author, head] of Object.entries(statement.heads)) {
      if (head.seq > ((await this.store.head(statement.line, author))?.seq ?? 0)) return true;
    }
    return false;
  }

  /**
   * Notes that this station and a participant just exchanged their heads on a line, both ways (a
   * link test, either side's): each knows what the other holds, so the courier's own periodic
   * comparison can wait.
   *
   * @param line a line id
   * @param station the participant
   */
  noteExchange(line: string, station: string): void {
    this.#exchanged.set(`${line} ${station}`, this.clock.now());
  }

  /**
   * @param line a line id
   * @param station a participant
   * @returns when heads were last exchanged with it both ways on the line (ms), or null
   */
  lastExchange(line: string, station: string): number | null {
    return this.#exchanged.get(`${line} ${station}`) ?? null;
  }

  /**
   * @param line a line id
   * @returns this station's signed statement of the heads it holds on the line
   */
  async headStatement(line: string): Promise<HeadStatement> {
    return this.#signHeads(line, { ...(await this.#headsHeld(line)) });
  }

  /** @returns the heads held on a line, kept until an entry of it is stored (do not change the result) */
  async #headsHeld(line: string): Promise<Readonly<HeadStatement["heads"]>> {
    let heads = this.#heads.get(line);
    if (heads === undefined) {
      const before = this.#storedCount;
      heads = {};
      for (const h of await this.store.heads(line)) heads[h.author] = { seq: h.seq, hash: h.hash };
      // Kept only if nothing was stored meanwhile: the read may have been taken before it.
      if (this.#storedCount === before) this.#heads.set(line, heads);
    }
    return heads;
  }

  /**
   * A push's receipt: a head statement naming only the chains the push carried and this station's
   * own (its key in force is read from the head it gives of its own chain), so that a receipt is
   * O(1) in the line's participants. Each head named is the whole truth about that chain here; a
   * chain not named says nothing (a partial statement is never read as "holds none of it").
   *
   * @param line a line id
   * @param chains the authors of the chains the push carried
   * @returns this station's signed statement of those heads (those it holds of them)
   */
  async receipt(line: string, chains: Iterable<string>): Promise<HeadStatement> {
    const heads: HeadStatement["heads"] = {};
    for (const author of new Set([this.id, ...chains])) {
      const h = await this.store.head(line, author);
      if (h !== null) heads[author] = { seq: h.seq, hash: h.hash };
    }
    return this.#signHeads(line, heads);
  }

  #signHeads(line: string, heads: HeadStatement["heads"]): HeadStatement {
    return signStatement(
      { v: 1, type: "heads", line, station: this.id, time: isoNow(this.clock), heads },
      this.identity,
    );
  }

  /**
   * Checks and keeps a peer's head statement: the delivery receipt and the witness. Nothing is kept
   * unless it tells the truth as far as this station can tell: signed by the peer, on a line where
   * the peer is a participant, dated within clock tolerance of now, naming only participants, and
   * holding of this station's own chain only what this station wrote. A different hash at a seq
   * of a third chain that this station holds is a divergence (an alarm, raised once per peer and
   * entry); the statement is kept as its evidence.
   *
   * @param value the statement as received
   * @param from the peer it is expected from
   * @param options `receipt`: the answer to a push of this station's, which may name only the
   *   chains the push carried (kept as coverage, not as what the peer holds of the line); `held`:
   *   the heads this station holds on the line, read just now by the caller (a link test by digest
   *   puts them in the statement): each head is looked up there, not in the store
   * @returns the statement
   * @throws HotlineError SCHEMA, BAD_SIGNATURE, UNKNOWN_LINE, NOT_PARTICIPANT, FUTURE_TIME, BACKDATED, BAD_STATEMENT
   */
  async acceptStatement(
    value: unknown,
    from: string,
    options: { receipt?: boolean; held?: HeadStatement["heads"] | undefined } = {},
  ): Promise<HeadStatement> {
    const held = options.held;
    // Signed by the key in force after the head it gives of its own chain (its station id until it
    // rotated its key on the line).
    const claimedLine = (value as { line?: unknown } | null)?.line;
    const rotations = typeof claimedLine === "string" ? await this.rotationsOn(claimedLine) : new Map();
    const history: KeyHistory = Object.fromEntries(
      [...rotations].map(([station, list]) => [`${String(claimedLine)} ${station}`, list]),
    );
    const statement = parseStatement(value, (s) =>
      keyAfter(history, s.line, s.station, s.heads[s.station]?.seq ?? 0),
    );
    const place = { line: statement.line, author: statement.station };
    const refuse = (code: ErrorCode, why: string): never => {
      throw new HotlineError(code, `Cannot accept the head statement: ${why}`, { place });
    };
    if (statement.station !== from) refuse("BAD_SIGNATURE", "it is signed by another station than the peer");
    const members = await this.membersOf(statement.line);
    if (members === null) refuse("UNKNOWN_LINE", "this station is not on its line");
    const participants = new Set((members ?? []).filter((m) => m.active).map((p) => p.station));
    if (!participants.has(from)) refuse("NOT_PARTICIPANT", "the peer is not a participant of its line");
    const now = this.clock.now();
    const at = Date.parse(statement.time);
    if (at > now + MAX_CLOCK_AHEAD_MS)
      refuse("FUTURE_TIME", `its time ${statement.time} is ahead of this clock`);
    if (at < now - STATEMENT_MAX_AGE_MS) refuse("BACKDATED", `its time ${statement.time} is not recent`);
    const divergent: { author: string; seq: number; held: string }[] = [];
    // A chain of a station this one does not know yet (its member.add not yet here) is no lie, but
    // nothing is kept of a statement that names one: it only says what to catch up.
    let strangers = false;
    // After a restore from a backup, the peer may hold more of this station's chain than it does.
    let ahead = false;
    // A statement naming many heads (a link test's, a comparison's) is checked against all the
    // heads held, read at once (or kept); a receipt naming a chain or two, head by head.
    const named = Object.keys(statement.heads).length;
    const known =
      held ??
      (named > FEW_HEADS || this.#heads.has(statement.line)
        ? await this.#headsHeld(statement.line)
        : undefined);
    for (const [author, head] of Object.entries(statement.heads)) {
      if (!participants.has(author)) {
        strangers = true;
        continue;
      }
      const mine =
        known === undefined ? await this.store.head(statement.line, author) : (known[author] ?? null);
      if (mine !== null && head.seq <= mine.seq) {
        const ours =
          head.seq === mine.seq
            ? mine.hash
            : (await this.store.entryAt(statement.line, author, head.seq))?.hash;
        if (ours !== head.hash) {
          if (author === this.id) {
            refuse("BAD_STATEMENT", `it names another entry at seq ${head.seq} of this station's own chain`);
          }
          divergent.push({ author, seq: head.seq, held: ours ?? "" });
        }
      } else if (author === this.id && this.#restore?.catchingUp === true) {
        ahead = true;
      } else if (author === this.id) {
        refuse(
          "BAD_STATEMENT",
          `it holds seq ${head.seq} of this station's own chain, which was never written`,
        );
      }
    }
    this.#restore?.heard(statement.line, from, ahead);
    const heard = this.#heard.get(`${statement.line} ${from}`);
    // A push's receipt names only the chains the push carried (see receipt): it is not what the
    // peer holds of the line, which a third station may be relayed and the courier compares with.
    if (options.receipt !== true && (heard === undefined || heard.time < statement.time))
      this.#heard.set(`${statement.line} ${from}`, statement);
    if (strangers || ahead) return statement;
    const key = `${statement.line} ${from}`;
    const heads = canonicalJson(statement.heads);
    if (this.#storedHeads.get(key) !== heads) {
      await this.store.addStatement(
        {
          line: statement.line,
          station: statement.station,
          time: statement.time,
          heads,
          bytes: Buffer.from(canonicalJson(statement)),
        },
        isoNow(this.clock),
      );
      this.#storedHeads.set(key, heads);
    }
    const claim = this.#claims.get(key);
    if (claim === undefined || claim.time <= statement.time) {
      this.#claims.set(key, { time: statement.time, seq: statement.heads[from]?.seq ?? 0 });
    }
    for (const d of divergent) {
      await this.store.addEvidence({
        code: "DIVERGENCE",
        line: statement.line,
        author: d.author,
        seq: d.seq,
        heldHash: d.held,
        otherHash: statement.heads[d.author]?.hash ?? null,
        otherBytes: null,
        reportedBy: from,
        detectedAt: isoNow(this.clock),
      });
      await this.raiseAlarm({
        code: "DIVERGENCE",
        severity: "critical",
        line: statement.line,
        peer: from,
        entry: d.held,
        detail: `${from} holds a different entry at seq ${d.seq} of ${d.author}'s chain`,
        // one alarm per peer and line, counted each time a statement shows it again
        cause: JSON.stringify([statement.line, from]),
      });
    }
    this.events.emit("statement", statement);
    return statement;
  }

  /**
   * @param peer a station id
   * @returns the safety code this station and that one compare by voice
   */
  async safetyCodeWith(peer: string, line?: string): Promise<string | null> {
    const other = (await this.store.membershipsOf(peer)).find((m) => line === undefined || m.line === line);
    return other === undefined
      ? null
      : safetyCode(
          { id: this.#identity.key, cert: this.certFingerprint },
          { id: await this.keyOn(other.line, other.station), cert: other.cert },
        );
  }

  /**
   * Raises an alarm, once per cause (see Store.raiseAlarm: a repeat counts on the open alarm), and
   * tells listeners.
   *
   * @returns the alarm's id: the open one's, for a repeat
   */
  async raiseAlarm(alarm: NewAlarm): Promise<number> {
    const { id, outcome } = await this.store.raiseAlarm({ ...alarm, raisedAt: isoNow(this.clock) });
    this.events.emit("alarm", id, outcome === "repeated");
    return id;
  }

  async close(): Promise<void> {
    void this.#signatures.close();
    await this.store.close();
  }
}
