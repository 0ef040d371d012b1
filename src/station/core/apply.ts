import {
  ENTRY_ENVELOPE,
  HotlineError,
  changesMembership,
  canonicalEntryBytes,
  checkKey,
  checkMembership,
  checkPlace,
  describeZodError,
  keySetBy,
  parseBody,
  placeOf,
  readStoredEntry,
  ruleFactsOf,
  sha256Hex,
  signingBytesOf,
  verifyEntrySignature,
  type EntryEnvelope,
  type LineView,
  type MemberState,
  type RuleBreak,
  type Revocation,
  type RuleFacts,
  type SealedEntry,
} from "../../record/mod.js";
import {
  bufferAppends,
  type Head,
  type MemberRow,
  type Store,
  type StoredEntry,
  type Transaction,
} from "../../store/mod.js";

/** How far ahead of this station's clock an entry's time may be before it is refused. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * How far an entry's time may stand before the time of its author's own newest signed statement
 * that did not yet hold it (the same clock, stepped back at most this much).
 */
export const CLAIM_CLOCK_TOLERANCE_MS = 5 * 60_000;

/** Entries of a chain read at once to tell duplicates (see StoreLine.loadHeld). */
const HELD_PAGE = 500;

/** What became of a batch of incoming entries. */
export interface ApplyResult {
  /** entries newly stored */
  applied: SealedEntry[];
  /** entries this station already held (same hash): fine, nothing to do */
  duplicates: number;
  /** the first entry refused, if any; entries before it were stored */
  refused: HotlineError | null;
  /** time spent checking signatures here, ms (0 for entries whose signatures were checked ahead) */
  signatureMs: number;
}

/** An incoming entry read ahead of applying: its envelope and bytes, its signature checked (perhaps on another thread). */
export interface PreparedEntry {
  read: IncomingEntry | null;
  /** why it could not be read, if it could not */
  error: HotlineError | null;
  signatureOk: boolean;
  /** the key it was checked against: its result stands only if that is the key in force when applied */
  key: string;
}

/** An incoming entry whose envelope is read: its body is not checked yet. */
export interface IncomingEntry {
  value: unknown;
  envelope: EntryEnvelope;
  /** canonical bytes of the whole entry, at most 64 KiB */
  bytes: Buffer;
  hash: string;
}

export interface ApplyOptions {
  store: Store;
  /** this station's id */
  self: string;
  /** the same values, read and signature-checked already (see prepareIncoming) */
  prepared?: readonly (PreparedEntry | undefined)[] | undefined;
  now: number;
  /** the participant that delivered the entries (their author, or a third station relaying them) */
  from?: string | undefined;
  /** a line this station is joining: its genesis may be accepted though the line is not yet known */
  joining?: string | undefined;
  /**
   * the newest head statement an author signed on a line, with the seq of its own chain it held
   * then: an entry after that seq cannot be dated before the statement
   */
  claimOf?: ((line: string, author: string) => { time: string; seq: number } | null) | undefined;
  /** called when an equivocation is found, with the evidence kept */
  onEquivocation?: ((error: HotlineError, tx: Transaction) => Promise<void>) | undefined;
  /**
   * each line's members and keys as last read, kept by the station from one batch to the next:
   * read here when missing, dropped here when an entry that changes them is applied (the station
   * drops them too when it writes one)
   */
  kept?: Map<string, LineSnapshot> | undefined;
}

/**
 * What the rules read of a line's membership and keys: its members, the key in force of each
 * station that changed its key, every key's holder, its revocations and those this station
 * accepted. Read whole for every batch, it was O(N) rows and N member.add entries parsed per push
 * on a line of N — a delivery's cost growing with the line (session 12: at 57, a push of one entry
 * read and parsed 57 member.add entries); kept from one batch to the next, until an entry that
 * changes it is stored ({@link changesSnapshot}).
 */
export interface LineSnapshot {
  members: MemberRow[];
  keys: ReadonlyMap<string, string>;
  holders: ReadonlyMap<string, string>;
  revocations: ReadonlyMap<string, Revocation>;
  accepted: ReadonlySet<string>;
}

/**
 * @param sealed an entry stored
 * @returns whether it changes its line's {@link LineSnapshot}: members, keys or revocations
 */
export function changesSnapshot(sealed: SealedEntry): boolean {
  const kind = sealed.entry.kind;
  return (
    changesMembership(kind) || kind === "key.revoke" || kind === "key.revoke.ack" || keySetBy(sealed) !== null
  );
}

/**
 * Applies entries received from a peer, cheapest checks first: size and envelope → the line is
 * held → already held (a duplicate, fine) → signature → the record's rules of place (author a
 * participant, seq and prev continue the chain, time not before its chain's previous entry nor
 * before what it had seen, seen held: {@link checkPlace}, the very function `verify` replays a
 * record through) → time not ahead of this clock nor before the author's own newest statement →
 * the body's schema (geometry last) → the record's rules of membership ({@link checkMembership})
 * → this station's own consent and pins. Entries that pass are stored in one transaction; the first
 * that fails stops the batch and is reported (entries before it are kept). The same (author, seq)
 * with another hash is an equivocation: refused, with the evidence kept.
 *
 * @param values the entries as received (parsed JSON)
 * @param options the store, this station, the time, a line being joined
 * @returns what was stored, and what was refused
 */
export async function applyIncoming(values: readonly unknown[], options: ApplyOptions): Promise<ApplyResult> {
  const { store } = options;
  const applied: SealedEntry[] = [];
  let duplicates = 0;
  let refused: HotlineError | null = null;
  let signatureMs = 0;
  const views = new Map<string, StoreLine>();
  const viewOf = (tx: Transaction, line: string): StoreLine => {
    let view = views.get(line);
    if (view === undefined) views.set(line, (view = new StoreLine(tx, line, options.self, options.kept)));
    return view;
  };

  /** lines known to be held: an entry of a line read once per batch, not once per entry */
  const held = new Set<string>();
  await store.transaction(async (direct) => {
    // The entries that pass are written together (one statement on PostgreSQL) whenever anything
    // else is read or written, and at the end: a page of a chain costs a round trip, not one per
    // entry. An append that fails throws from `flush` below, so nothing of the batch is kept.
    const tx = bufferAppends(direct);
    for (const [index, value] of values.entries()) {
      try {
        const sealed = await checkOne(tx, value, options.prepared?.[index]);
        if (sealed === null) {
          duplicates++;
          continue;
        }
        await tx.appendEntries([sealed], new Date(options.now).toISOString(), options.from ?? null);
        applied.push(sealed);
        viewOf(tx, sealed.entry.line ?? sealed.hash).took(sealed);
        if (changesMembership(sealed.entry.kind)) {
          viewOf(tx, sealed.entry.line ?? sealed.hash).forgetMembers();
        }
        // Dropped before the commit: no batch after it may read what this one changed.
        if (changesSnapshot(sealed)) options.kept?.delete(sealed.entry.line ?? sealed.hash);
      } catch (error) {
        refused =
          error instanceof HotlineError
            ? error
            : new HotlineError("INTERNAL", `Cannot apply the entry: ${String(error)}`, { cause: error });
        break;
      }
    }
    await tx.flush();
  });
  return { applied, duplicates, refused, signatureMs };

  async function checkOne(
    tx: Transaction,
    value: unknown,
    prepared: PreparedEntry | undefined,
  ): Promise<SealedEntry | null> {
    if (prepared?.error) throw prepared.error;
    const read = prepared?.read ?? readIncoming(value);
    const { envelope, hash } = read;
    const line = envelope.kind === "line.genesis" ? hash : envelope.line;
    const place = { line: line ?? hash, author: envelope.author, seq: envelope.seq, hash };
    const fail = (broken: RuleBreak): never => {
      throw new HotlineError(broken.code, `Cannot accept the entry: ${broken.detail}`, {
        place,
        awaits: broken.awaits,
      });
    };

    if (line === null) fail({ code: "BAD_LINE", detail: "only a genesis entry may have no line" });
    const lineId = line as string;
    if (!held.has(lineId) && (await tx.line(lineId)) !== null) held.add(lineId);
    if (!held.has(lineId) && !(envelope.kind === "line.genesis" && options.joining === lineId)) {
      throw new HotlineError(
        "UNKNOWN_LINE",
        `Cannot accept an entry for line ${lineId}: this station is not on it (nor joining it)`,
        { place },
      );
    }
    const view = viewOf(tx, lineId);
    // The record's rules read the line synchronously: what they will ask for is read first.
    await view.load(envelope.author, [envelope.prev, ...Object.values(envelope.seen)]);
    const head = view.head(envelope.author);
    // The same entry again (same hash: the same bytes, checked when stored) is a duplicate; it can
    // only stand at or below its chain's head, so only there is it looked up.
    if (head !== null && envelope.seq <= head.seq) {
      await view.loadHeld(envelope.author, envelope.seq, hash);
      if (view.entry(hash) !== null) return null;
    }
    // After a revocation this station's operator has not accepted, the chain waits: its new key is
    // only its own word until the people compared the new safety code.
    const waiting = view.unconfirmed(envelope.author);
    if (waiting !== null && envelope.seq > waiting.seq) {
      throw new HotlineError(
        "KEY_UNCONFIRMED",
        `Cannot accept the entry yet: its author revoked its key at seq ${waiting.seq} (since ${waiting.since}), and this station's operator has not accepted the new key ('hotline key accept --token …' once the new safety code was read aloud)`,
        { place },
      );
    }
    // Signed by the key its author's chain has now: the key it began with (its station id unless
    // its genesis or member.add named another) until it rotated its key; a revocation by its new
    // key. A prepared check stands only if it was made against that key.
    const key =
      envelope.kind === "line.genesis"
        ? genesisKeyOf(envelope)
        : envelope.kind === "key.revoke"
          ? revocationKeyOf(envelope)
          : view.keyOf(envelope.author);
    let signatureOk: boolean;
    if (prepared?.key === key) signatureOk = prepared.signatureOk;
    else {
      const started = performance.now();
      signatureOk = verifyEntrySignature(key, read.bytes, envelope.sig);
      signatureMs += performance.now() - started;
    }
    if (!signatureOk) {
      const stolen = view
        .revoked(envelope.author)
        .find(
          (r) =>
            Date.parse(envelope.time) > Date.parse(r.since) &&
            verifyEntrySignature(r.revoked, read.bytes, envelope.sig),
        );
      if (stolen !== undefined) {
        fail({
          code: "KEY_REVOKED",
          detail: `it is signed by key ${short(stolen.revoked)}, which its author revoked since ${stolen.since}, and dated after that`,
        });
      }
      fail({
        code: "BAD_SIGNATURE",
        detail:
          key === envelope.author
            ? "its signature is not its author's"
            : `its signature is not by its author's key in force, ${short(key)} (its key was rotated)`,
      });
    }
    if (head !== null && envelope.seq <= head.seq) {
      const other = await tx.entryAt(lineId, envelope.author, envelope.seq);
      await tx.addEvidence({
        code: "EQUIVOCATION",
        line: lineId,
        author: envelope.author,
        seq: envelope.seq,
        heldHash: other?.hash ?? null,
        otherHash: hash,
        otherBytes: read.bytes,
        reportedBy: null,
        detectedAt: new Date(options.now).toISOString(),
      });
      const error = new HotlineError(
        "EQUIVOCATION",
        `Cannot accept the entry: this station holds a different entry at seq ${envelope.seq} of that chain; the author has signed two histories (evidence kept)`,
        { place },
      );
      await options.onEquivocation?.(error, tx);
      throw error;
    }
    const facts: RuleFacts = {
      hash,
      author: envelope.author,
      seq: envelope.seq,
      prev: envelope.prev,
      seen: envelope.seen,
      time: envelope.time,
      kind: envelope.kind,
      creator: null,
      member: null,
      approves: null,
      rotate: null,
      signedWith: null,
      renews: null,
      revoke: null,
      revokeAck: null,
    };
    const misplaced = checkPlace(facts, view);
    if (misplaced !== null) fail(misplaced);
    const at = Date.parse(envelope.time);
    if (at > options.now + MAX_CLOCK_AHEAD_MS) {
      fail({
        code: "FUTURE_TIME",
        detail: `its time ${envelope.time} is more than 5 minutes ahead of this station's clock`,
      });
    }
    const claim = options.claimOf?.(lineId, envelope.author) ?? null;
    if (
      claim !== null &&
      envelope.seq > claim.seq &&
      at < Date.parse(claim.time) - CLAIM_CLOCK_TOLERANCE_MS
    ) {
      fail({
        code: "BACKDATED",
        detail: `its time ${envelope.time} is before ${claim.time}, when its author signed that it held its chain only up to seq ${claim.seq}`,
      });
    }

    const entry = parseBody(read.envelope);
    const sealed: SealedEntry = { entry, bytes: read.bytes, hash };
    const full = ruleFactsOf(sealed);
    const broken = checkMembership(full, view) ?? checkKey(full, view) ?? (await ownRules(tx, full, view));
    if (broken !== null) fail(broken);
    return sealed;
  }

  /**
   * This station's own rules, beyond the record's: nobody joins a line it is on without asking its
   * consent and that of every participant it knows, and a station or certificate pinned here on
   * another line is not claimed by another (nor renewed into).
   */
  async function ownRules(tx: Transaction, f: RuleFacts, view: StoreLine): Promise<RuleBreak | null> {
    if (f.renews !== null) {
      const holders = await tx.membersWithCert(f.renews);
      const other = holders.find((r) => r.station !== f.author);
      return other === undefined
        ? null
        : {
            code: "MEMBER_CONFLICT",
            detail: `certificate ${f.renews.slice(0, 19)}… is pinned here to another station`,
          };
    }
    if (f.member === null) return null;
    const m = f.member;
    for (const p of view.members()) {
      if (!p.active || p.station === f.author || p.station === m.station) continue;
      if (!m.consenters.includes(p.station)) {
        return {
          code: "NO_CONSENT",
          detail:
            p.station === options.self
              ? `it adds ${short(m.station)} without asking this station's consent`
              : `it adds ${short(m.station)} without asking the consent of participant ${short(p.station)}`,
        };
      }
    }
    const pinned = await pinConflict(tx, m);
    if (pinned !== null) return { code: "MEMBER_CONFLICT", detail: pinned };
    const keyed = await keyConflict(tx, { station: m.station, key: m.key ?? m.station }, options.self);
    if (keyed !== null) return { code: "KEY_CONFLICT", detail: keyed };
    return null;
  }
}

/**
 * This station's pins, across every line: a station is known by one certificate, and a certificate
 * belongs to one station. (A member of the same line is the record's rule, checked before.)
 *
 * @param store the store
 * @param member the station claimed, and its certificate
 * @returns why the claim conflicts with a pin here, or null
 */
export async function pinConflict(
  store: Pick<Transaction, "membershipsOf" | "membersWithCert">,
  member: { station: string; cert: string },
): Promise<string | null> {
  if ((await store.membershipsOf(member.station)).some((r) => r.cert !== member.cert)) {
    return `station ${short(member.station)} is pinned here with another certificate`;
  }
  if ((await store.membersWithCert(member.cert)).some((r) => r.station !== member.station)) {
    return `certificate ${member.cert.slice(0, 19)}… is pinned here to another station`;
  }
  return null;
}

/**
 * This station's keys, across every line: a station claimed onto a line must begin its chain with
 * its id or a key it had on every other line here (a revocation's only once accepted here), and no
 * station may begin with a key that is (or was) another station's here — so a participant cannot hijack a station this one knows by adding
 * it with a key of its own. (Members of the same line are the record's rule, checked before.)
 *
 * @param store the store
 * @param member the station claimed, and the key its chain would begin with
 * @param self this station's id (its own key is not in the record's keys yet when it joins)
 * @returns why the claim conflicts with a key known here, or null
 */
export async function keyConflict(
  store: Pick<Transaction, "lines" | "members" | "entriesOfKind" | "entryByHash">,
  member: { station: string; key: string },
  self: string,
): Promise<string | null> {
  if (member.station === self) return null; // its own claims are this station's to make
  if (member.key === self) return `key ${short(member.key)} is this station's id`;
  for (const line of await store.lines()) {
    const members = await store.members(line.id);
    const genesis = await store.entryByHash(line.id);
    // A revocation's key counts as a station's here only once this station's operator accepted it:
    // a new line is no way around that acceptance.
    const accepted = new Set<string>();
    for (const stored of await store.entriesOfKind(line.id, "key.revoke.ack")) {
      const ack = readStoredEntry(stored);
      if (ack.kind === "key.revoke.ack" && ack.author === self) accepted.add(ack.body.of);
    }
    const sets = [
      ...(genesis === null ? [] : [genesis]),
      ...(await store.entriesOfKind(line.id, "member.add")),
      ...(await store.entriesOfKind(line.id, "key.rotate")),
      ...(await store.entriesOfKind(line.id, "key.revoke")),
    ].flatMap((stored) => {
      const set = keySetBy({ entry: readStoredEntry(stored), bytes: stored.bytes, hash: stored.hash });
      return set === null ? [] : [{ ...set, taken: set.revoked === undefined || accepted.has(stored.hash) }];
    });
    for (const m of members) {
      if (m.station === member.station) {
        // Any key it had here will do: it may have rotated on one line after it joined another.
        if (
          member.key !== m.station &&
          !sets.some((k) => k.station === m.station && k.key === member.key && k.taken)
        ) {
          return `station ${short(member.station)} never signed with key ${short(member.key)} on line ${line.name} here`;
        }
      } else if (
        m.station === member.key ||
        sets.some((k) => k.station === m.station && k.key === member.key)
      ) {
        return `key ${short(member.key)} is (or was) station ${short(m.station)}'s on line ${line.name} here`;
      }
    }
  }
  return null;
}

/**
 * A line as the store holds it, for the record's rules (which read synchronously): members read
 * once per batch, heads and entries read ({@link StoreLine.load}) before an entry is checked.
 */
class StoreLine implements LineView {
  readonly #store: Transaction;
  readonly #line: string;
  #members: MemberRow[] | null = null;
  /** entries looked up or stored during this batch: a page of one chain names the same few again */
  readonly #entries = new Map<string, { author: string; time: string }>();
  /** chain heads as this batch moves them */
  readonly #heads = new Map<string, Head | null>();
  /** keys in force of the stations that rotated theirs on this line, as this batch moves them */
  #keys: Map<string, string> | null = null;
  /** every key rotated to on this line, and its station */
  readonly #holders = new Map<string, string>();
  readonly #self: string;
  /** the key.revoke entries of this line, by hash */
  readonly #revocations = new Map<string, Revocation>();
  /** the revocations this station's operator accepted (its own key.revoke.ack), by hash */
  readonly #accepted = new Set<string>();
  /** the station's snapshots of its lines (see {@link LineSnapshot}), if it keeps them */
  readonly #kept: Map<string, LineSnapshot> | undefined;

  constructor(store: Transaction, line: string, self: string, kept?: Map<string, LineSnapshot>) {
    this.#store = store;
    this.#line = line;
    this.#self = self;
    this.#kept = kept;
  }

  /**
   * Takes the line's members and keys as kept, if they are; else reads them and keeps them. Only
   * the batch's first read of a line is kept: it is made before the batch stored anything of the
   * line, so it is what is committed.
   */
  async #loadSnapshot(): Promise<void> {
    const kept = this.#kept?.get(this.#line);
    if (kept !== undefined) {
      this.#members = kept.members;
      this.#keys = new Map(kept.keys);
      for (const [key, holder] of kept.holders) this.#holders.set(key, holder);
      for (const [hash, r] of kept.revocations) this.#revocations.set(hash, r);
      for (const hash of kept.accepted) this.#accepted.add(hash);
      return;
    }
    await this.#read();
    this.#kept?.set(this.#line, {
      members: this.#members ?? [],
      keys: new Map(this.#keys),
      holders: new Map(this.#holders),
      revocations: new Map(this.#revocations),
      accepted: new Set(this.#accepted),
    });
  }

  /**
   * @param station a station on the line
   * @returns its newest revocation that this station has not accepted: what it writes after it waits
   */
  unconfirmed(station: string): Revocation | null {
    let newest: [string, Revocation] | null = null;
    for (const [hash, r] of this.#revocations) {
      if (r.author === station && (newest === null || r.seq > newest[1].seq)) newest = [hash, r];
    }
    return newest === null || this.#taken(newest[0]) ? null : newest[1];
  }

  /**
   * @param station a station on the line
   * @returns the revocations of its keys this station accepted (its own, for itself)
   */
  revoked(station: string): Revocation[] {
    return [...this.#revocations]
      .filter(([hash, r]) => r.author === station && this.#taken(hash))
      .map(([, r]) => r);
  }

  /** Whether a revocation's new key is in force here: this station's own, or accepted by its operator. */
  #taken(hash: string): boolean {
    return this.#revocations.get(hash)?.author === this.#self || this.#accepted.has(hash);
  }

  revocation(hash: string): Revocation | null {
    return this.#revocations.get(hash) ?? null;
  }

  /** Notes what a stored entry says of revocations: a key.revoke, or this station's acceptance of one. */
  #noteRevocation(sealed: SealedEntry): void {
    const { entry, hash } = sealed;
    if (entry.kind === "key.revoke") {
      this.#revocations.set(hash, { author: entry.author, seq: entry.seq, ...entry.body });
      this.#holders.set(entry.body.key, entry.author);
      if (this.#taken(hash)) this.#keys?.set(entry.author, entry.body.key);
    }
    if (entry.kind === "key.revoke.ack" && entry.author === this.#self) {
      this.#accepted.add(entry.body.of);
      const r = this.#revocations.get(entry.body.of);
      if (r !== undefined && this.unconfirmed(r.author) === null) this.#keys?.set(r.author, r.key);
    }
  }

  forgetMembers(): void {
    this.#members = null;
  }

  /** Reads the line's members and keys from the store (see {@link LineSnapshot}). */
  async #read(): Promise<void> {
    this.#members = await this.#store.members(this.#line);
    // Stored entries passed the rules when stored: each chain's first key named by its genesis or
    // member.add, then its newest rotation, is its key.
    const keys = new Map<string, string>();
    const genesis = await this.#store.entryByHash(this.#line);
    const read = (stored: StoredEntry): SealedEntry => ({
      entry: readStoredEntry(stored),
      bytes: stored.bytes,
      hash: stored.hash,
    });
    const revokes = (await this.#store.entriesOfKind(this.#line, "key.revoke")).map(read);
    if (revokes.length > 0) {
      for (const stored of await this.#store.entriesOfKind(this.#line, "key.revoke.ack")) {
        const ack = read(stored).entry;
        if (ack.kind === "key.revoke.ack" && ack.author === this.#self) this.#accepted.add(ack.body.of);
      }
      for (const sealed of revokes) this.#noteRevocation(sealed);
    }
    const sets = [
      ...(genesis === null ? [] : [genesis]),
      ...(await this.#store.entriesOfKind(this.#line, "member.add")),
      ...(await this.#store.entriesOfKind(this.#line, "key.rotate")),
    ].map((stored) => keySetBy(read(stored)));
    // A revocation's key is in force here only once this station took it (see #taken).
    for (const sealed of revokes) if (this.#taken(sealed.hash)) sets.push(keySetBy(sealed));
    for (const set of sets.filter((k) => k !== null).sort((a, b) => a.seq - b.seq)) {
      keys.set(set.station, set.key);
      this.#holders.set(set.key, set.station);
    }
    this.#keys = keys;
  }

  /**
   * Reads what the rules will ask about an entry: the line's members, its author's head, and the
   * entries it names.
   *
   * @param author the entry's author
   * @param hashes the entries it names (prev, seen) and its own
   */
  async load(author: string, hashes: readonly (string | null)[]): Promise<void> {
    if (this.#keys === null) await this.#loadSnapshot();
    this.#members ??= await this.#store.members(this.#line);
    if (!this.#heads.has(author)) this.#heads.set(author, await this.#store.head(this.#line, author));
    for (const hash of hashes) {
      if (hash === null || this.#entries.has(hash)) continue;
      const place = await this.#store.entryPlace(hash);
      // Only what is held is kept: an entry missing now may arrive later in the batch.
      if (place !== null && place.line === this.#line) {
        this.#entries.set(hash, { author: place.author, time: place.time });
      }
    }
  }

  /**
   * Reads whether an entry at or below its chain's head is held: with the entries after it in that
   * chain, a page at once, so that a run of entries delivered twice (a push and a catch-up crossing)
   * costs one read, not one per entry.
   *
   * @param author the entry's author
   * @param seq its seq
   * @param hash its hash
   */
  async loadHeld(author: string, seq: number, hash: string): Promise<void> {
    if (this.#entries.has(hash)) return;
    for (const held of await this.#store.chainAfter(this.#line, author, seq - 1, HELD_PAGE)) {
      this.#entries.set(held.hash, { author: held.author, time: held.time });
    }
  }

  members(): MemberRow[] {
    if (this.#members === null) throw new Error("StoreLine: members read before load()");
    return this.#members;
  }

  /** Notes an entry just stored: the new head of its chain. */
  took(sealed: SealedEntry): void {
    const { entry, hash } = sealed;
    this.#entries.set(hash, { author: entry.author, time: entry.time });
    this.#heads.set(entry.author, { author: entry.author, seq: entry.seq, hash, time: entry.time });
    if (entry.kind === "key.revoke" || entry.kind === "key.revoke.ack") {
      this.#noteRevocation(sealed);
      return;
    }
    const set = keySetBy(sealed);
    if (set !== null) {
      this.#keys?.set(set.station, set.key);
      this.#holders.set(set.key, set.station);
    }
  }

  keyOf(station: string): string {
    if (this.#keys === null) throw new Error("StoreLine: keys read before load()");
    return this.#keys.get(station) ?? station;
  }

  keyHolder(key: string): string | null {
    return this.#holders.get(key) ?? (this.member(key) === null ? null : key);
  }

  head(author: string) {
    const head = this.#heads.get(author);
    if (head === undefined) throw new Error("StoreLine: head read before load()");
    return head;
  }

  entry(hash: string) {
    return this.#entries.get(hash) ?? null;
  }

  member(station: string): MemberState | null {
    return this.members().find((m) => m.station === station) ?? null;
  }

  memberWithCert(cert: string): string | null {
    return this.members().find((m) => m.cert === cert)?.station ?? null;
  }

  memberAddedBy(hash: string): MemberState | null {
    return this.members().find((m) => m.addedBy === hash) ?? null;
  }

  memberCount(): number {
    return this.members().length;
  }
}

/**
 * Reads one incoming entry's envelope and its canonical bytes, whose size is checked; its body is
 * read later, once the signature and the chain hold.
 *
 * @param value an entry as received
 * @returns the entry read
 */
export function readIncoming(value: unknown): IncomingEntry {
  const result = ENTRY_ENVELOPE.safeParse(value);
  if (!result.success) {
    throw new HotlineError("SCHEMA", `Cannot accept the entry: ${describeZodError(result.error)}`, {
      place: placeOf(value),
    });
  }
  const bytes = canonicalEntryBytes(value);
  return { value, envelope: result.data, bytes, hash: sha256Hex(bytes) };
}

/**
 * Reads a batch of incoming entries ahead of applying them, and says which signatures to check:
 * so that the checks can run on other threads before the batch is applied in order.
 *
 * @param values entries as received
 * @param keys the key each (line, author) signs with as held (default: the station id); a
 *   `key.rotate` in the batch moves it on for the entries after it (checked again when applied)
 * @returns one prepared entry per value (signatureOk still false), and the jobs for the signatures
 */
export function prepareIncoming(
  values: readonly unknown[],
  keys: ReadonlyMap<string, string> = new Map(),
): {
  prepared: PreparedEntry[];
  jobs: { index: number; signed: Buffer; sig: string; key: string }[];
} {
  const prepared: PreparedEntry[] = [];
  const jobs: { index: number; signed: Buffer; sig: string; key: string }[] = [];
  const moved = new Map<string, string>();
  for (const [index, value] of values.entries()) {
    try {
      const read = readIncoming(value);
      const { line, author, kind, body } = read.envelope;
      const chain = `${line ?? ""} ${author}`;
      const key =
        kind === "line.genesis"
          ? genesisKeyOf(read.envelope)
          : kind === "key.revoke"
            ? revocationKeyOf(read.envelope)
            : (moved.get(chain) ?? keys.get(chain) ?? author);
      // A revocation moves nothing here: what follows it waits until this station accepts it.
      if (kind === "key.rotate" && typeof body.key === "string") moved.set(chain, body.key);
      prepared.push({ read, error: null, signatureOk: false, key });
      jobs.push({ index, signed: signingBytesOf(read.bytes), sig: read.envelope.sig, key });
    } catch (error) {
      prepared.push({
        read: null,
        error:
          error instanceof HotlineError
            ? error
            : new HotlineError("INTERNAL", `Cannot read the entry: ${String(error)}`, { cause: error }),
        signatureOk: false,
        key: "",
      });
    }
  }
  return { prepared, jobs };
}

/** The key a key.revoke must be signed by: its new key, read before its body is checked. */
function revocationKeyOf(envelope: EntryEnvelope): string {
  const key = envelope.body.key;
  return typeof key === "string" ? key : envelope.author;
}

/**
 * The key a genesis must be signed by, read before its body is checked (the body's schema, checked
 * later, confirms it is a key): the creator's `key` when it names one, else the author's id.
 */
function genesisKeyOf(envelope: EntryEnvelope): string {
  const creator = (envelope.body as { creator?: unknown }).creator;
  const key =
    typeof creator === "object" && creator !== null ? (creator as { key?: unknown }).key : undefined;
  return typeof key === "string" ? key : envelope.author;
}

function short(id: string): string {
  return id.length > 12 ? `${id.slice(0, 10)}…` : id;
}
