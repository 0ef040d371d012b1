import type { ErrorCode } from "./errors.js";
import { HotlineError, isHotlineError } from "./errors.js";
import { hasValidSignature, openEntry, type SealedEntry } from "./entry.js";
import { additionsApproved, isValidMemberClaim } from "./membership.js";
import { isValidRevocation, isValidRotation, keyAt, type KeyHistory } from "./key-rotation.js";
import {
  MemoryLine,
  checkKey,
  checkMembership,
  checkPlace,
  type RuleBreak,
  type RuleFacts,
} from "./rules.js";

/** One thing wrong with a record, named by code and place. */
export interface Problem {
  code: ErrorCode;
  line: string | null;
  author: string | null;
  seq: number | null;
  hash: string | null;
  detail: string;
}

/** An entry as a store or a bundle holds it: where it claims to stand, and its exact bytes. */
export interface HeldEntry {
  line: string;
  author: string;
  seq: number;
  /** the hash the holder filed it under */
  hash: string;
  bytes: Buffer;
}

/**
 * What the per-entry check learnt of one entry: enough for the chain and record checks, small
 * enough to pass back from a worker thread.
 */
export interface EntryFacts {
  line: string;
  author: string;
  seq: number;
  storedHash: string;
  /** SHA-256 of the held bytes; null when they could not be read */
  hash: string | null;
  prev: string | null;
  seen: Record<string, string>;
  time: string;
  kind: string | null;
  /** for line.genesis: the creator */
  creator: RuleFacts["creator"];
  /** for member.add: the member, its consenters, and whether its claim is its own (checked here) */
  member: RuleFacts["member"];
  /** for member.approve: the member.adds it consents to */
  approves: readonly string[] | null;
  /** for key.rotate: the new key, and whether its proof holds (checked here) */
  rotate: RuleFacts["rotate"];
  /** the key the signature was found good with (the replay checks it was the one in force); null if none */
  signedWith: string | null;
  /** for cert.renew: the new certificate */
  renews: string | null;
  /** for key.revoke: the new key, the key revoked, and from when */
  revoke: RuleFacts["revoke"];
  /** for key.revoke.ack: the key.revoke acknowledged */
  revokeAck: RuleFacts["revokeAck"];
  problems: Problem[];
}

/**
 * Checks one held entry on its own: readable, schema-valid, canonical, hashing to the hash it is
 * filed under, standing where its signed fields say, and signed by its author (and a member.add's
 * claim by its member, a key.rotate's proof by its new key). Pure; safe to run in a worker thread.
 *
 * @param held the entry as held
 * @param keys the record's key rotations (see keyHistoryOf): the signature is checked against the
 *   key the history gives its author at its seq, which the replay then confirms
 * @returns the facts the chain check needs, with any problems
 */
export function checkHeldEntry(held: HeldEntry, keys?: KeyHistory): EntryFacts {
  const facts: EntryFacts = {
    line: held.line,
    author: held.author,
    seq: held.seq,
    storedHash: held.hash,
    hash: null,
    prev: null,
    seen: {},
    time: "",
    kind: null,
    creator: null,
    member: null,
    approves: null,
    rotate: null,
    signedWith: null,
    renews: null,
    revoke: null,
    revokeAck: null,
    problems: [],
  };
  const problem = (code: ErrorCode, detail: string, hash: string | null = held.hash) =>
    facts.problems.push({ code, line: held.line, author: held.author, seq: held.seq, hash, detail });

  let sealed;
  try {
    if (!Buffer.isBuffer(held.bytes)) {
      throw new HotlineError("SCHEMA", "Cannot read the entry: its bytes are not stored as bytes");
    }
    sealed = openEntry(held.bytes);
  } catch (error) {
    problem(
      isHotlineError(error) ? error.code : "SCHEMA",
      error instanceof Error ? error.message : String(error),
    );
    return facts;
  }
  const { entry, hash } = sealed;
  Object.assign(facts, ruleFactsOf(sealed), { hash, problems: facts.problems });

  if (hash !== held.hash) {
    problem(
      "BAD_HASH",
      `The stored bytes hash to ${hash}, not to the hash ${held.hash} they are filed under`,
    );
  }
  const claimedLine = entry.kind === "line.genesis" ? hash : entry.line;
  if (entry.author !== held.author || entry.seq !== held.seq || claimedLine !== held.line) {
    problem(
      "MISMATCH",
      `The entry is filed as line ${short(held.line)} author ${short(held.author)} seq ${held.seq}, ` +
        `but is signed as line ${short(claimedLine ?? "none")} author ${short(entry.author)} seq ${entry.seq}`,
    );
  }
  const key = keyAt(keys, held.line, entry.author, entry.seq);
  if (hasValidSignature(entry, held.bytes, key)) {
    facts.signedWith = key;
  } else {
    // Signed by a key its author revoked, dated after the revocation's since: the thief's, named so.
    const revoked = (keys?.[`${held.line} ${entry.author}`] ?? []).find(
      (r) =>
        r.revoked !== undefined &&
        r.since !== undefined &&
        Date.parse(entry.time) > Date.parse(r.since) &&
        hasValidSignature(entry, held.bytes, r.revoked),
    );
    if (revoked !== undefined) {
      problem(
        "KEY_REVOKED",
        `It is signed by key ${short(revoked.revoked ?? "")}, revoked since ${revoked.since ?? ""} by the key.revoke at seq ${revoked.seq}, and dated after that`,
      );
    } else {
      problem("BAD_SIGNATURE", `The signature does not match the entry's content and its author's key`);
    }
  }
  if (entry.kind !== "line.genesis" && entry.line === null) {
    problem("BAD_LINE", "Only a genesis entry may have no line");
  }
  return facts;
}

/**
 * @param sealed a schema-valid entry
 * @returns what the record rules read of it (a member.add's claim checked against its member's key)
 */
export function ruleFactsOf(sealed: SealedEntry): RuleFacts {
  const { entry, hash } = sealed;
  const line = entry.kind === "line.genesis" ? hash : (entry.line ?? "");
  return {
    hash,
    author: entry.author,
    seq: entry.seq,
    prev: entry.prev,
    seen: entry.seen,
    time: entry.time,
    kind: entry.kind,
    creator:
      entry.kind === "line.genesis"
        ? {
            station: entry.body.creator.station,
            cert: entry.body.creator.cert,
            key: otherKey(entry.body.creator),
          }
        : null,
    member:
      entry.kind === "member.add"
        ? {
            station: entry.body.member.station,
            cert: entry.body.member.cert,
            key: otherKey(entry.body.member),
            consenters: entry.body.consenters,
            proofOk: isValidMemberClaim(line, entry.body.member, entry.body.proof),
          }
        : null,
    approves: entry.kind === "member.approve" ? additionsApproved(entry.body.of) : null,
    rotate:
      entry.kind === "key.rotate"
        ? {
            key: entry.body.key,
            proofOk: isValidRotation(
              { line, station: entry.author, key: entry.body.key, seq: entry.seq, prev: entry.prev },
              entry.body.proof,
            ),
          }
        : null,
    signedWith: null,
    renews: entry.kind === "cert.renew" ? entry.body.cert : null,
    revoke:
      entry.kind === "key.revoke"
        ? {
            key: entry.body.key,
            revoked: entry.body.revoked,
            since: entry.body.since,
            proofOk: isValidRevocation(
              {
                line,
                station: entry.author,
                key: entry.body.key,
                revoked: entry.body.revoked,
                since: entry.body.since,
                seq: entry.seq,
                prev: entry.prev,
              },
              entry.body.proof,
            ),
          }
        : null,
    revokeAck:
      entry.kind === "key.revoke.ack"
        ? { of: entry.body.of, station: entry.body.station, key: entry.body.key, since: entry.body.since }
        : null,
  };
}

/** A participant's first key when it is not its station id, else null. */
function otherKey(p: { station: string; key?: string | undefined }): string | null {
  return p.key === undefined || p.key === p.station ? null : p.key;
}

/**
 * Checks the chains and cross-references of one line, given the per-entry facts of every entry it
 * holds, by replaying them in an order that respects what each names (prev, seen, the member.add
 * of its author, the member.add it approves) through the same rules a receiving station applies
 * ({@link checkPlace}, {@link checkMembership}). The genesis gives the line its id.
 *
 * @param lineId the line
 * @param facts facts of all its entries, any order
 * @returns the problems found, in chain order
 */
export function checkLine(lineId: string, facts: readonly EntryFacts[]): Problem[] {
  const found: { at: EntryFacts | null; code: ErrorCode; detail: string; author: string | null }[] = [];
  const at = (
    code: ErrorCode,
    f: EntryFacts | null,
    detail: string,
    author: string | null = f?.author ?? null,
  ) => found.push({ at: f, code, detail, author });

  const readable = facts.filter((f) => f.hash !== null && f.kind !== null);
  const geneses = readable.filter((f) => f.kind === "line.genesis");
  const genesis = geneses.find((f) => f.hash === lineId) ?? geneses[0];
  if (genesis === undefined) {
    at("BAD_GENESIS", null, "The line has no genesis entry", null);
  } else if (genesis.hash !== lineId && genesis.storedHash !== lineId) {
    at("BAD_LINE", genesis, `The genesis entry hashes to ${genesis.hash}, so it cannot be line ${lineId}`);
  }

  // An unreadable entry still holds its place in its chain: the next one is not blamed for it.
  const view = new MemoryLine();
  const strangers = new Set<string>();
  for (const f of replayOrder(facts, genesis)) {
    const rule = asRule(f);
    let broken: RuleBreak | null = null;
    if (f.hash !== null && f.kind !== null) {
      broken =
        f.kind === "line.genesis" && f !== genesis
          ? { code: "BAD_GENESIS" as const, detail: "The line has a second genesis entry" }
          : (samePlace(f, view) ??
            checkPlace(rule, view) ??
            checkKey(rule, view) ??
            checkMembership(rule, view));
      if (broken?.code === "UNKNOWN_AUTHOR") {
        // Named once per chain, with how much it wrote, not at each entry.
        if (!strangers.has(f.author)) {
          const wrote = facts.filter((g) => g.author === f.author).length;
          at(
            broken.code,
            f,
            `Station ${short(f.author)} wrote ${wrote} entries but was never made a participant`,
          );
        }
        strangers.add(f.author);
      } else if (broken !== null) {
        at(broken.code, f, broken.detail);
      }
      if (broken?.code === "EQUIVOCATION" || broken?.code === "MISMATCH") continue;
    }
    // A broken entry is still taken in, so one problem is reported once, not again at each entry after it.
    view.take(rule, f.hash === null ? [f.storedHash] : [f.storedHash, f.hash], broken === null);
  }

  // In chain order: chains as first held, each by seq.
  const chainOrder = new Map<string, number>();
  for (const f of facts) if (!chainOrder.has(f.author)) chainOrder.set(f.author, chainOrder.size);
  found.sort(
    (a, b) =>
      (a.at === null ? -1 : (chainOrder.get(a.at.author) ?? 0)) -
        (b.at === null ? -1 : (chainOrder.get(b.at.author) ?? 0)) || (a.at?.seq ?? 0) - (b.at?.seq ?? 0),
  );
  return found.map(({ at: f, code, detail, author }) => ({
    code,
    line: lineId,
    author,
    seq: f?.seq ?? null,
    hash: f?.storedHash ?? null,
    detail,
  }));
}

/**
 * What an auditor must be told of a line's key revocations, though its chains are intact: every
 * entry signed by a revoked key and dated after the revocation's `since` (the thief may have
 * written it; the station's own chain went on after it, so the station says it is its own — the
 * people must judge), and every revocation no other participant acknowledged (its new key is then
 * its station's own word: the record holds it, but nobody vouched for it out of band).
 *
 * @param lineId the line
 * @param facts facts of all its entries
 * @returns findings, in the order of the revocations
 */
export function keyFindings(lineId: string, facts: readonly EntryFacts[]): Problem[] {
  const revocations = facts.filter((f) => f.revoke !== null && f.problems.length === 0);
  if (revocations.length === 0) return [];
  const found: Problem[] = [];
  const at = (code: ErrorCode, f: EntryFacts, detail: string) =>
    found.push({ code, line: lineId, author: f.author, seq: f.seq, hash: f.storedHash, detail });
  for (const r of revocations) {
    const { revoked, since } = r.revoke as NonNullable<EntryFacts["revoke"]>;
    const acked = facts.some(
      (f) => f.author !== r.author && f.revokeAck !== null && f.revokeAck.of === r.storedHash,
    );
    if (!acked) {
      at(
        "KEY_UNCONFIRMED",
        r,
        `Station ${short(r.author)} revoked key ${short(revoked)} since ${since}, and no other participant acknowledged its new key on the record: the new key is its own word only`,
      );
    }
    const from = Date.parse(since);
    for (const f of facts) {
      if (f.author === r.author && f.signedWith === revoked && Date.parse(f.time) > from) {
        at(
          "KEY_REVOKED",
          f,
          `Signed by key ${short(revoked)}, which its station revoked since ${since} (key.revoke at seq ${r.seq}): whoever held that key may have written it`,
        );
      }
    }
  }
  return found;
}

/**
 * Replays a record's lines as their entries stream in, in the order they are held, keeping of each
 * entry only what the rules may still ask (its chain head, its hash and time, membership): so that
 * verifying a large record does not hold it. A line whose entries all pass, each in the order held,
 * is intact: every entry was checked by the same rules ({@link checkPlace}, {@link checkKey},
 * {@link checkMembership}) against what came before it. A line where anything is wrong or out of
 * order (an entry problem, a second genesis, an entry held before what it names) is only marked
 * {@link RecordReplay.needsFullCheck}: the caller gives that line's facts to {@link checkLine},
 * which orders them and names every problem as it always has.
 */
export class RecordReplay {
  readonly #lines = new Map<string, { view: MemoryLine; genesis: boolean }>();
  /** lines whose entries did not all pass in the order held: for {@link checkLine} */
  readonly needsFullCheck = new Set<string>();
  /** entries taken */
  entries = 0;

  /**
   * @param known lines known apart from their entries (a store's line list), in order
   */
  constructor(known: readonly string[] = []) {
    for (const line of known) this.#lines.set(line, { view: new MemoryLine(), genesis: false });
  }

  /** @returns every line known or seen, in the order first known or seen */
  lines(): string[] {
    return [...this.#lines.keys()];
  }

  /** @param f the next entry's facts, in the order the record holds its entries */
  take(f: EntryFacts): void {
    this.entries++;
    let line = this.#lines.get(f.line);
    if (line === undefined) this.#lines.set(f.line, (line = { view: new MemoryLine(), genesis: false }));
    if (this.needsFullCheck.has(f.line)) return;
    if (f.problems.length > 0 || f.hash === null || f.kind === null || f.hash !== f.storedHash) {
      this.needsFullCheck.add(f.line);
      return;
    }
    // The line's first entry is its genesis, hashing to its id; no other genesis follows.
    if (line.genesis === (f.kind === "line.genesis") || (!line.genesis && f.hash !== f.line)) {
      this.needsFullCheck.add(f.line);
      return;
    }
    line.genesis = true;
    const rule = asRule(f);
    const broken =
      checkPlace(rule, line.view) ?? checkKey(rule, line.view) ?? checkMembership(rule, line.view);
    if (broken !== null) {
      this.needsFullCheck.add(f.line);
      return;
    }
    line.view.take(rule);
  }

  /** Marks the lines that hold no entry: {@link checkLine} names what is missing. */
  finish(): void {
    for (const [id, line] of this.#lines) if (!line.genesis) this.needsFullCheck.add(id);
  }
}

/** The same entry, or another one, held already at this entry's place in its chain. */
function samePlace(f: EntryFacts, view: MemoryLine): RuleBreak | null {
  const head = view.head(f.author);
  if (head === null || f.seq > head.seq) return null;
  const held = view.entry(f.hash ?? "");
  if (held !== null && held.author === f.author) {
    return { code: "MISMATCH", detail: `The same entry is held twice at seq ${f.seq}` };
  }
  return { code: "EQUIVOCATION", detail: `Two different entries are held for seq ${f.seq}` };
}

function asRule(f: EntryFacts): RuleFacts {
  return {
    // The hash it is filed under: an entry whose bytes were changed is named once (BAD_HASH), and
    // the next one, naming that hash as prev, is not blamed for it.
    hash: f.storedHash,
    author: f.author,
    seq: f.seq,
    prev: f.prev,
    seen: f.seen,
    time: f.time,
    kind: f.kind ?? "",
    creator: f.creator,
    member: f.member,
    approves: f.approves,
    rotate: f.rotate,
    signedWith: f.signedWith,
    renews: f.renews,
    revoke: f.revoke,
    revokeAck: f.revokeAck,
  };
}

/**
 * Orders a line's entries so that each comes after what it names: its chain's earlier entries, what
 * it had seen, the member.add that made its author a participant, the member.add it approves
 * (Kahn's algorithm; ties keep chain and seq order). Whatever names something never held, or is
 * caught in a cycle, comes last, where the rules report it.
 */
function replayOrder(facts: readonly EntryFacts[], genesis: EntryFacts | undefined): EntryFacts[] {
  const byHash = new Map<string, number>();
  facts.forEach((f, i) => {
    byHash.set(f.storedHash, i);
    if (f.hash !== null) byHash.set(f.hash, i);
  });
  const addOf = new Map<string, number>();
  facts.forEach((f, i) => {
    if (f.member !== null && !addOf.has(f.member.station)) addOf.set(f.member.station, i);
  });
  // Each chain's entries by seq, so an entry waits for the one before it whatever its prev says.
  const chains = new Map<string, number[]>();
  facts.forEach((f, i) => {
    const chain = chains.get(f.author) ?? [];
    chain.push(i);
    chains.set(f.author, chain);
  });
  const before = new Map<number, number>();
  for (const chain of chains.values()) {
    chain.sort((a, b) => (facts[a] as EntryFacts).seq - (facts[b] as EntryFacts).seq);
    for (let k = 1; k < chain.length; k++) before.set(chain[k] as number, chain[k - 1] as number);
  }
  const waitsFor = (i: number): number[] => {
    const f = facts[i] as EntryFacts;
    const deps: (number | undefined)[] = [before.get(i)];
    for (const hash of Object.values(f.seen)) deps.push(byHash.get(hash));
    for (const hash of f.approves ?? []) deps.push(byHash.get(hash));
    if (f.revokeAck !== null) deps.push(byHash.get(f.revokeAck.of));
    if (genesis !== undefined && f !== genesis) deps.push(byHash.get(genesis.storedHash));
    if (f.author !== genesis?.author) deps.push(addOf.get(f.author));
    return deps.filter((d): d is number => d !== undefined && d !== i);
  };
  const blocking = new Map<number, number[]>();
  const missing = facts.map(() => 0);
  facts.forEach((_, i) => {
    const deps = new Set(waitsFor(i));
    missing[i] = deps.size;
    for (const d of deps) {
      const list = blocking.get(d) ?? [];
      list.push(i);
      blocking.set(d, list);
    }
  });
  const order: EntryFacts[] = [];
  const done = new Set<number>();
  const ready = facts.map((_, i) => i).filter((i) => missing[i] === 0);
  while (ready.length > 0) {
    const i = ready.shift() as number;
    done.add(i);
    order.push(facts[i] as EntryFacts);
    for (const next of blocking.get(i) ?? []) {
      missing[next] = (missing[next] as number) - 1;
      if (missing[next] === 0) ready.push(next);
    }
  }
  const stuck = facts.filter((_, i) => !done.has(i)).sort((a, b) => a.seq - b.seq);
  return [...order, ...stuck];
}

/**
 * Checks a whole record on one thread: every entry, then every line.
 *
 * @param held all entries of all lines
 * @param keys the record's key rotations (see keyHistoryOf), if any
 * @returns the problems, entry problems first; empty when the record is intact
 */
export function checkRecord(held: Iterable<HeldEntry>, keys?: KeyHistory): Problem[] {
  const byLine = new Map<string, EntryFacts[]>();
  const problems: Problem[] = [];
  for (const h of held) {
    const facts = checkHeldEntry(h, keys);
    problems.push(...facts.problems);
    const list = byLine.get(h.line) ?? [];
    list.push(facts);
    byLine.set(h.line, list);
  }
  for (const [line, facts] of byLine) problems.push(...checkLine(line, facts));
  return problems;
}

function short(id: string): string {
  return id.length > 12 ? `${id.slice(0, 10)}…` : id;
}
