/**
 * Builders for tests of the record: stations with real keys, and lines written entry by entry with
 * correct seq, prev and seen. For tests only; no production code imports this file.
 *
 * @module
 */
import { sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { HeldEntry } from "./check.js";
import { parseEntry, seal, sha256Hex, signEntry, signingBytes } from "./entry.js";
import type { SealedEntry } from "./entry.js";
import { generateIdentity } from "./keys.js";
import type { Identity } from "./keys.js";
import type { BodyOf, Precedence, UnsignedEntry } from "./kinds.js";
import { signMemberClaim } from "./membership.js";
import { signRotation } from "./key-rotation.js";

/** What a line knows of a participant station. */
export type Participant = BodyOf<"member.add">["member"];

/** A station for tests: a fresh Ed25519 identity and its participant record. */
export interface TestStation {
  name: string;
  id: string;
  identity: Identity;
  participant: Participant;
}

/**
 * @param name the station's name, e.g. "Moscow"
 * @returns a station with a fresh key
 */
export function makeStation(name: string): TestStation {
  const identity = generateIdentity();
  return {
    name,
    id: identity.id,
    identity,
    participant: {
      station: identity.id,
      name,
      url: `https://${name.toLowerCase()}.example:7443`,
      cert: `sha256:${sha256Hex(name)}`,
    },
  };
}

/**
 * @param step how many entries were written before
 * @returns a fixed UTC time with milliseconds, later for each step
 */
export function timeAt(step: number): string {
  return new Date(Date.UTC(2026, 10, 23, 5, 45, 0, 123) + step * 1_001).toISOString();
}

/** The fields every entry has besides kind, body and sig. */
export interface Envelope {
  v: 1;
  line: string | null;
  author: string;
  seq: number;
  prev: string | null;
  seen: Record<string, string>;
  time: string;
}

/** Options of {@link TestLine.say}. */
export interface SayOptions {
  precedence?: Precedence;
  lang?: string;
  replyTo?: string;
}

/**
 * @param sealed a sealed entry
 * @param line the line it is held on (for a genesis: its own hash)
 * @returns the entry as a store holds it
 */
export function heldOf(sealed: SealedEntry, line: string): HeldEntry {
  return { line, author: sealed.entry.author, seq: sealed.entry.seq, hash: sealed.hash, bytes: sealed.bytes };
}

/**
 * Signs an entry with any key, whoever it claims as author: a forgery, or a foreign station's entry.
 *
 * @param unsigned the entry without `sig`
 * @param key the private key to sign with
 * @returns the sealed entry
 */
export function signWithKey(unsigned: UnsignedEntry, key: KeyObject): SealedEntry {
  const sig = sign(null, signingBytes(unsigned), key).toString("base64url");
  return seal(parseEntry({ ...unsigned, sig }));
}

/**
 * A line written in memory, entry by entry, as honest stations would write it: each author's chain
 * runs from seq 1, each entry names the one before, and `seen` names the other chains' heads.
 */
export class TestLine {
  /** the hash of the genesis entry */
  readonly id: string;
  /** every entry in the order it was written */
  readonly entries: SealedEntry[] = [];
  private readonly heads = new Map<string, SealedEntry>();

  private constructor(genesis: SealedEntry) {
    this.id = genesis.hash;
    this.record(genesis);
  }

  /**
   * @param creator the station that opens the line
   * @param name the line's name
   * @returns a line holding only its genesis
   */
  static open(creator: TestStation, name = "moscow-washington"): TestLine {
    const genesis = signEntry(
      {
        v: 1,
        line: null,
        author: creator.id,
        seq: 1,
        prev: null,
        seen: {},
        time: timeAt(0),
        kind: "line.genesis",
        body: { name, creator: creator.participant, operator: "duty-officer" },
      },
      creator.identity,
    );
    return new TestLine(genesis);
  }

  /**
   * The envelope the next entry of `author` would get; writes nothing.
   *
   * @param author the station about to write
   * @returns line, author, seq, prev, seen and time
   */
  next(author: TestStation): Envelope {
    const head = this.heads.get(author.id);
    const seen: Record<string, string> = {};
    for (const [station, sealed] of this.heads) if (station !== author.id) seen[station] = sealed.hash;
    return {
      v: 1,
      line: this.id,
      author: author.id,
      seq: head === undefined ? 1 : head.entry.seq + 1,
      prev: head === undefined ? null : head.hash,
      seen,
      time: timeAt(this.entries.length),
    };
  }

  /**
   * @param by a participant
   * @param member the station it adds
   * @returns the member.add entry, now part of the line
   */
  add(by: TestStation, member: TestStation, consenters: readonly TestStation[] = []): SealedEntry {
    const unsigned: UnsignedEntry = {
      ...this.next(by),
      kind: "member.add",
      body: {
        member: member.participant,
        consenters: consenters.map((c) => c.id),
        proof: signMemberClaim(this.id, member.participant, member.identity),
        operator: "duty-officer",
      },
    };
    return this.record(signEntry(unsigned, by.identity));
  }

  /**
   * @param by the author
   * @param text the message
   * @param options precedence (ROUTINE), lang ("en"), replyTo
   * @returns the text entry, now part of the line
   */
  say(by: TestStation, text: string, options: SayOptions = {}): SealedEntry {
    const unsigned: UnsignedEntry = {
      ...this.next(by),
      kind: "text",
      body: {
        text,
        lang: options.lang ?? "en",
        precedence: options.precedence ?? "ROUTINE",
        operator: "duty-officer",
        ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
      },
    };
    return this.record(signEntry(unsigned, by.identity));
  }

  /**
   * Rotates a station's key on the line: a key.rotate signed by its key now, with the new key's
   * proof; the station signs with the new key from then on.
   *
   * @param by the station rotating
   * @param next the new key (default a fresh one)
   * @returns the key.rotate entry, now part of the line
   */
  rotate(by: TestStation, next: Identity = generateIdentity()): SealedEntry {
    const envelope = this.next(by);
    const proof = signRotation(
      { line: this.id, station: by.id, key: next.key, seq: envelope.seq, prev: envelope.prev },
      next,
    );
    const unsigned: UnsignedEntry = {
      ...envelope,
      kind: "key.rotate",
      body: { key: next.key, proof, operator: "duty-officer" },
    };
    const sealed = this.record(signEntry(unsigned, by.identity));
    by.identity = { ...next, id: by.id };
    return sealed;
  }

  /**
   * Takes an entry made elsewhere into the line, as its author's new head.
   *
   * @param sealed the entry
   * @returns the same entry
   */
  record(sealed: SealedEntry): SealedEntry {
    this.entries.push(sealed);
    this.heads.set(sealed.entry.author, sealed);
    return sealed;
  }

  /**
   * @param author a station
   * @param seq a seq of its chain
   * @returns that entry
   */
  entryOf(author: TestStation, seq: number): SealedEntry {
    const found = this.entries.find((e) => e.entry.author === author.id && e.entry.seq === seq);
    if (found === undefined) throw new Error(`Cannot find seq ${seq} of ${author.name} on the test line`);
    return found;
  }

  /** @returns every entry as a store holds it, in writing order */
  held(): HeldEntry[] {
    return this.entries.map((e) => heldOf(e, this.id));
  }
}
