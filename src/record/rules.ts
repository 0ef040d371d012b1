import type { ErrorCode } from "./errors.js";
import { MAX_PARTICIPANTS } from "./membership.js";

/**
 * How far an entry's time may stand before the time of an entry its author had seen (another
 * station's clock): two clocks, each allowed 5 minutes off, so 10 minutes.
 */
export const SEEN_CLOCK_TOLERANCE_MS = 10 * 60_000;

/**
 * Refusals that mean an entry waits for one of another chain (what it had seen, the member.add of
 * its author, the member.add it approves): not a fault, but an order. A receiver pulls the other
 * chain first; a sender resends after a moment.
 */
export const WAITS_FOR_ANOTHER_CHAIN: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "UNKNOWN_SEEN",
  "UNKNOWN_AUTHOR",
  "PENDING_MEMBER",
  "UNKNOWN_ENTRY",
]);

/** What the record rules read of one entry: its place, its references, and what it adds. */
export interface RuleFacts {
  hash: string;
  author: string;
  seq: number;
  prev: string | null;
  seen: Record<string, string>;
  time: string;
  kind: string;
  /** for line.genesis: the creator, and the key its chain begins with (null: its station id) */
  creator: { station: string; cert: string; key: string | null } | null;
  /**
   * for member.add: the member, the key its chain begins with (null: its station id), the stations
   * asked to consent, and whether its claim is its own
   */
  member: {
    station: string;
    cert: string;
    key: string | null;
    consenters: readonly string[];
    proofOk: boolean;
  } | null;
  /** for member.approve: the member.adds it consents to (one, or several at once) */
  approves: readonly string[] | null;
  /** for key.rotate: the new key, and whether its proof is the new key's signature of this place */
  rotate: { key: string; proofOk: boolean } | null;
  /**
   * the key its signature was found good with, when that was checked apart from the replay (verify:
   * on worker threads, against the rotations read beforehand); null when it was not, or failed
   */
  signedWith: string | null;
  /** for cert.renew: the author's new certificate fingerprint */
  renews: string | null;
  /**
   * for key.revoke: the new key (which signs it), the key revoked, from when, and whether its proof
   * is the revoked key's signature of this place
   */
  revoke: { key: string; revoked: string; since: string; proofOk: boolean } | null;
  /** for key.revoke.ack: the key.revoke acknowledged, and what it is said to say */
  revokeAck: { of: string; station: string; key: string; since: string } | null;
}

/** A key.revoke as a line holds it. */
export interface Revocation {
  author: string;
  key: string;
  revoked: string;
  since: string;
  seq: number;
}

/** A station on a line as the record makes it one. */
export interface MemberState {
  station: string;
  cert: string;
  /** the member.add that added it; for the creator, the genesis */
  addedBy: string;
  /** stations that must consent before it counts; empty for the creator */
  consenters: readonly string[];
  /** those of them that have */
  approvals: readonly string[];
  /** every consenter has consented: it is a participant */
  active: boolean;
}

/**
 * What the rules need to know of a line as held so far. The store answers it for a station that
 * receives; {@link MemoryLine} answers it for `verify`, which replays a record.
 */
export interface LineView {
  /** the newest entry of a chain, with its time */
  head(author: string): { seq: number; hash: string; time: string } | null;
  /** an entry of this line by its hash */
  entry(hash: string): { author: string; time: string } | null;
  /** the station's membership, active or pending */
  member(station: string): MemberState | null;
  /** the station whose certificate this is, among members active or pending */
  memberWithCert(cert: string): string | null;
  /** the membership a member.add made */
  memberAddedBy(hash: string): MemberState | null;
  /** members, active and pending */
  memberCount(): number;
  /**
   * the key the station signs with on this line now: the key of its newest rotation, else the key
   * its chain began with (its id unless its genesis or member.add named another)
   */
  keyOf(station: string): string;
  /** the member that holds or held this key on the line (as its id or by a rotation), if any */
  keyHolder(key: string): string | null;
  /** the key.revoke of this line with this hash, if held */
  revocation(hash: string): Revocation | null;
}

/** A broken rule: its code and what a person should be told. */
export interface RuleBreak {
  code: ErrorCode;
  detail: string;
  /** for a rule that an entry not held yet would satisfy: that entry's hash */
  awaits?: string;
}

/**
 * The rules of the record about where an entry stands, checked before its body is read: its author
 * is a participant, it continues its chain, its time does not go back before its chain's previous
 * entry or (beyond clock tolerance) before what it had seen, and what it had seen is held. The same
 * function decides for a station receiving an entry and for `verify` replaying a record, so a peer
 * can get nothing stored that `verify` later calls broken.
 *
 * @param f the entry's facts (kind-specific ones are not read)
 * @param view the line as held before it
 * @returns the first rule broken, or null
 */
export function checkPlace(f: RuleFacts, view: LineView): RuleBreak | null {
  if (f.kind === "line.genesis") {
    if (f.seq !== 1 || f.prev !== null || Object.keys(f.seen).length > 0) {
      return {
        code: "BAD_GENESIS",
        detail: "A line's genesis entry must be seq 1 with no line, no prev and nothing seen",
      };
    }
    return null;
  }
  const member = view.member(f.author);
  if (member === null) {
    return {
      code: "UNKNOWN_AUTHOR",
      detail: `Station ${short(f.author)} writes on the line but was never made a participant`,
    };
  }
  if (!member.active) {
    return {
      code: "PENDING_MEMBER",
      detail: `Station ${short(f.author)} writes on the line before every participant consented to it`,
    };
  }
  const head = view.head(f.author);
  const expected = (head?.seq ?? 0) + 1;
  if (f.seq > expected) {
    return { code: "CHAIN_GAP", detail: `Entries ${expected}..${f.seq - 1} of this chain are missing` };
  }
  if (f.seq < expected) {
    return { code: "EQUIVOCATION", detail: `Two different entries are held for seq ${f.seq}` };
  }
  if (f.prev !== (head?.hash ?? null)) {
    return {
      code: "BAD_PREV",
      detail: `prev names ${f.prev ?? "nothing"}, but the entry before it hashes to ${head?.hash ?? "nothing"}`,
    };
  }
  if (head !== null && f.time < head.time) {
    return {
      code: "BACKDATED",
      detail: `Its time ${f.time} is before its chain's previous entry's, ${head.time}`,
    };
  }
  const at = Date.parse(f.time);
  for (const [author, hash] of Object.entries(f.seen)) {
    const seen = view.entry(hash);
    if (seen === null || seen.author !== author || author === f.author) {
      return {
        code: "UNKNOWN_SEEN",
        detail: `seen names ${short(hash)} of ${short(author)}, which the record does not hold`,
        ...(seen === null ? { awaits: hash } : {}),
      };
    }
    if (at < Date.parse(seen.time) - SEEN_CLOCK_TOLERANCE_MS) {
      return {
        code: "BACKDATED",
        detail: `Its time ${f.time} is more than 10 minutes before ${seen.time}, the time of an entry its author had seen`,
      };
    }
  }
  return null;
}

/**
 * The rules of the record about what an entry does to the line's membership: a member.add carries
 * the member's own signed claim, names a station and a certificate no other member has, stays
 * within {@link MAX_PARTICIPANTS}, and asks only participants to consent; a member.approve consents
 * to member.adds of this line that each asked its author (one, or several at once: none twice, the
 * schema says); a cert.renew names a certificate no member of
 * the line has (its author's own included: a renewal is a new certificate).
 *
 * @param f the entry's facts, its body read
 * @param view the line as held before it
 * @returns the first rule broken, or null
 */
export function checkMembership(f: RuleFacts, view: LineView): RuleBreak | null {
  if (f.creator !== null && f.creator.station !== f.author) {
    return { code: "BAD_GENESIS", detail: "The genesis's author is not the line's creator" };
  }
  if (f.member !== null) {
    const m = f.member;
    if (!m.proofOk) {
      return {
        code: "BAD_SIGNATURE",
        detail: `The member.add's proof is not station ${short(m.station)}'s own signature of its claim`,
      };
    }
    if (view.member(m.station) !== null) {
      return {
        code: "MEMBER_CONFLICT",
        detail: `Station ${short(m.station)} is on the line already; its address and certificate change only by an entry it signs itself`,
      };
    }
    const holder = view.memberWithCert(m.cert);
    if (holder !== null) {
      return {
        code: "MEMBER_CONFLICT",
        detail: `Certificate ${m.cert.slice(0, 19)}… is pinned to station ${short(holder)} on the line already`,
      };
    }
    if (view.memberCount() >= MAX_PARTICIPANTS) {
      return {
        code: "TOO_MANY_PARTICIPANTS",
        detail: `The line has ${MAX_PARTICIPANTS} participants, the most a line may have`,
      };
    }
    for (const consenter of m.consenters) {
      if (consenter === f.author || consenter === m.station || view.member(consenter)?.active !== true) {
        return {
          code: "NO_CONSENT",
          detail: `The member.add asks ${short(consenter)} to consent, which is not another participant`,
        };
      }
    }
  }
  if (f.renews !== null) {
    const holder = view.memberWithCert(f.renews);
    if (holder !== null) {
      return {
        code: "MEMBER_CONFLICT",
        detail: `Certificate ${f.renews.slice(0, 19)}… is pinned to station ${short(holder)} on the line already`,
      };
    }
  }
  if (f.approves !== null) {
    for (const hash of f.approves) {
      const added = view.memberAddedBy(hash);
      if (added === null) {
        return {
          code: "UNKNOWN_ENTRY",
          detail: `The member.approve names ${short(hash)}, which is no member.add of this line`,
          awaits: hash,
        };
      }
      if (!added.consenters.includes(f.author)) {
        return {
          code: "NO_CONSENT",
          detail: `The member.approve's author was not asked to consent to ${short(added.station)}`,
        };
      }
    }
  }
  return null;
}

/**
 * The rules of the record about keys: an entry is signed by the key its author's chain has at that
 * point (the key it began with — the station id unless its genesis or member.add named another —
 * until a `key.rotate`, then the rotation's key: the old key signs nothing after it); a
 * `key.rotate` carries the new key's own proof of its place and names a key no member of the line
 * has or had; a member.add names a station and a first key that no member has or had as a key.
 *
 * @param f the entry's facts, its body read
 * @param view the line as held before it
 * @returns the first rule broken, or null
 */
export function checkKey(f: RuleFacts, view: LineView): RuleBreak | null {
  const expected = f.creator !== null ? (f.creator.key ?? f.author) : (f.revoke?.key ?? view.keyOf(f.author));
  if (f.signedWith !== null && f.signedWith !== expected) {
    return {
      code: "BAD_SIGNATURE",
      detail: `It is signed by key ${short(f.signedWith)}, not by ${short(expected)}, the key its author had then`,
    };
  }
  if (f.member !== null) {
    for (const key of f.member.key === null ? [f.member.station] : [f.member.station, f.member.key]) {
      const holder = view.keyHolder(key);
      if (holder !== null && holder !== f.member.station) {
        return {
          code: "KEY_CONFLICT",
          detail: `The member.add names key ${short(key)} for station ${short(f.member.station)}, but it is station ${short(holder)}'s`,
        };
      }
    }
  }
  if (f.revoke !== null) {
    if (!f.revoke.proofOk) {
      return {
        code: "BAD_SIGNATURE",
        detail: `The key.revoke's proof is not key ${short(f.revoke.revoked)}'s own signature of this revocation`,
      };
    }
    const inForce = view.keyOf(f.author);
    if (f.revoke.revoked !== inForce) {
      return {
        code: "KEY_CONFLICT",
        detail: `The key.revoke revokes key ${short(f.revoke.revoked)}, but its author's key in force is ${short(inForce)}`,
      };
    }
    const holder = view.keyHolder(f.revoke.key);
    if (holder !== null) {
      return {
        code: "KEY_CONFLICT",
        detail: `The key.revoke names key ${short(f.revoke.key)}, which ${holder === f.author ? "its author has held on the line already" : `is station ${short(holder)}'s`}`,
      };
    }
  }
  if (f.revokeAck !== null) {
    const a = f.revokeAck;
    const r = view.revocation(a.of);
    if (r === null || r.author !== a.station || r.key !== a.key || r.since !== a.since) {
      return {
        code: "UNKNOWN_ENTRY",
        detail: `The key.revoke.ack names ${short(a.of)}, which is no key.revoke of this line by ${short(a.station)} to key ${short(a.key)} since ${a.since}`,
        awaits: a.of,
      };
    }
    if (a.station === f.author) {
      return { code: "NO_CONSENT", detail: "A station cannot acknowledge its own key revocation" };
    }
  }
  if (f.rotate !== null) {
    if (!f.rotate.proofOk) {
      return {
        code: "BAD_SIGNATURE",
        detail: `The key.rotate's proof is not key ${short(f.rotate.key)}'s own signature of this rotation`,
      };
    }
    const holder = view.keyHolder(f.rotate.key);
    if (holder !== null) {
      return {
        code: "KEY_CONFLICT",
        detail:
          holder === f.author
            ? `The key.rotate names key ${short(f.rotate.key)}, which its author has held on the line already`
            : `The key.rotate names key ${short(f.rotate.key)}, which is station ${short(holder)}'s`,
      };
    }
  }
  return null;
}

/**
 * A line held in memory and grown entry by entry: the view `verify` replays a record through.
 */
export class MemoryLine implements LineView {
  readonly #heads = new Map<string, { seq: number; hash: string; time: string }>();
  readonly #entries = new Map<string, { author: string; time: string }>();
  readonly #members = new Map<string, MemberState>();
  /** keys in force, for the stations that rotated or began with a key other than their id */
  readonly #keys = new Map<string, string>();
  /** keys rotated to or begun with, and their station */
  readonly #holders = new Map<string, string>();
  readonly #revocations = new Map<string, Revocation>();

  head(author: string) {
    return this.#heads.get(author) ?? null;
  }

  entry(hash: string) {
    return this.#entries.get(hash) ?? null;
  }

  member(station: string): MemberState | null {
    return this.#members.get(station) ?? null;
  }

  memberWithCert(cert: string): string | null {
    for (const m of this.#members.values()) if (m.cert === cert) return m.station;
    return null;
  }

  memberAddedBy(hash: string): MemberState | null {
    for (const m of this.#members.values()) if (m.addedBy === hash) return m;
    return null;
  }

  memberCount(): number {
    return this.#members.size;
  }

  keyOf(station: string): string {
    return this.#keys.get(station) ?? station;
  }

  keyHolder(key: string): string | null {
    return this.#holders.get(key) ?? (this.#members.has(key) ? key : null);
  }

  revocation(hash: string): Revocation | null {
    return this.#revocations.get(hash) ?? null;
  }

  /** @returns the stations that are participants (every consent given) */
  activeMembers(): string[] {
    return [...this.#members.values()].filter((m) => m.active).map((m) => m.station);
  }

  /**
   * Takes an entry in as the new head of its chain, with what it does to membership.
   *
   * @param f the entry's facts
   * @param hashes the hashes it may be referred to by (its own, and the one it is filed under)
   * @param membership whether it may change membership (not when it broke a rule)
   */
  take(f: RuleFacts, hashes: readonly string[] = [f.hash], membership = true): void {
    const head = this.#heads.get(f.author);
    if (head === undefined || f.seq > head.seq) {
      this.#heads.set(f.author, { seq: f.seq, hash: f.hash, time: f.time });
    }
    for (const hash of hashes) this.#entries.set(hash, { author: f.author, time: f.time });
    if (!membership) return;
    for (const m of nextMembership(f, this)) this.#members.set(m.station, m);
    if (f.revoke !== null) {
      const { key, revoked, since } = f.revoke;
      this.#revocations.set(f.hash, { author: f.author, seq: f.seq, key, revoked, since });
    }
    const set =
      f.rotate !== null || f.revoke !== null
        ? { station: f.author, key: f.rotate?.key ?? f.revoke?.key ?? "" }
        : f.creator?.key != null
          ? { station: f.creator.station, key: f.creator.key }
          : f.member?.key != null
            ? { station: f.member.station, key: f.member.key }
            : null;
    if (set !== null) {
      this.#keys.set(set.station, set.key);
      this.#holders.set(set.key, set.station);
    }
  }
}

/**
 * What an entry (whose rules hold) changes in a line's membership: the one place that says it, for
 * every view. A member.approve changes each addition it names that asked its author and that its
 * author had not consented to yet.
 *
 * @param f the entry's facts
 * @param view the line before it
 * @returns the members whose state it sets (none, one, or for a member.approve several)
 */
export function nextMembership(f: RuleFacts, view: LineView): MemberState[] {
  if (f.creator !== null && f.kind === "line.genesis") {
    return [
      {
        station: f.creator.station,
        cert: f.creator.cert,
        addedBy: f.hash,
        consenters: [],
        approvals: [],
        active: true,
      },
    ];
  }
  if (f.member !== null) {
    if (view.member(f.member.station) !== null) return [];
    return [
      {
        station: f.member.station,
        cert: f.member.cert,
        addedBy: f.hash,
        consenters: f.member.consenters,
        approvals: [],
        active: f.member.consenters.length === 0,
      },
    ];
  }
  if (f.renews !== null) {
    const member = view.member(f.author);
    return member === null ? [] : [{ ...member, cert: f.renews }];
  }
  const next: MemberState[] = [];
  for (const hash of f.approves ?? []) {
    const added = view.memberAddedBy(hash);
    if (added === null || !added.consenters.includes(f.author) || added.approvals.includes(f.author))
      continue;
    const approvals = [...added.approvals, f.author];
    next.push({ ...added, approvals, active: added.consenters.every((c) => approvals.includes(c)) });
  }
  return next;
}

function short(id: string): string {
  return id.length > 12 ? `${id.slice(0, 10)}…` : id;
}
