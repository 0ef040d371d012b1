import {
  generateIdentity,
  sha256Hex,
  signEntry,
  signMemberClaim,
  type Identity,
  type SealedEntry,
  type UnsignedEntry,
} from "../record/mod.js";

/** A station writing chains for store tests: its key and participant record. */
export interface ChainAuthor {
  identity: Identity;
  id: string;
  participant: { station: string; name: string; url: string; cert: string };
}

/** @returns a station with a fresh key */
export function chainAuthor(name: string): ChainAuthor {
  const identity = generateIdentity();
  return {
    identity,
    id: identity.id,
    participant: {
      station: identity.id,
      name,
      url: `https://${name.toLowerCase()}.example:7443`,
      cert: `sha256:${sha256Hex(name)}`,
    },
  };
}

type Draft = Pick<UnsignedEntry, "kind" | "body">;

/**
 * One line's chains, written in order: signed, hash-linked entries, valid for the record's
 * checks, built without a station (the store does not check what it is given).
 */
export class TestChains {
  readonly heads = new Map<string, SealedEntry>();
  line: string | null = null;
  #step = 0;

  /** @returns the line's genesis, by its creator */
  genesis(creator: ChainAuthor, name = "Moscow-Washington"): SealedEntry {
    const sealed = this.#write(creator, {
      kind: "line.genesis",
      body: { name, creator: creator.participant, operator: "duty-officer" },
    });
    this.line = sealed.hash;
    return sealed;
  }

  /** @returns a member.add of member by `by`, asking consenters */
  add(by: ChainAuthor, member: ChainAuthor, consenters: readonly ChainAuthor[] = []): SealedEntry {
    return this.#write(by, {
      kind: "member.add",
      body: {
        member: member.participant,
        consenters: consenters.map((c) => c.id),
        proof: signMemberClaim(this.#lineId(), member.participant, member.identity),
        operator: "duty-officer",
      },
    });
  }

  /** @returns a member.approve by `by` of the member.add `of` (or of several: a list) */
  approve(by: ChainAuthor, of: string | string[]): SealedEntry {
    return this.#write(by, { kind: "member.approve", body: { of, operator: "duty-officer" } });
  }

  /** @returns a cert.renew by `by`, naming a new certificate */
  renewCert(by: ChainAuthor, cert: string): SealedEntry {
    return this.#write(by, { kind: "cert.renew", body: { cert, operator: "duty-officer" } });
  }

  /** @returns a text by `by` */
  say(by: ChainAuthor, text: string): SealedEntry {
    return this.#write(by, {
      kind: "text",
      body: { text, lang: "en", precedence: "ROUTINE", operator: "duty-officer" },
    });
  }

  #lineId(): string {
    if (this.line === null) throw new Error("write the genesis first");
    return this.line;
  }

  #write(author: ChainAuthor, draft: Draft): SealedEntry {
    const head = this.heads.get(author.id);
    const seen: Record<string, string> = {};
    for (const [station, sealed] of this.heads) if (station !== author.id) seen[station] = sealed.hash;
    const unsigned = {
      v: 1,
      line: draft.kind === "line.genesis" ? null : this.#lineId(),
      author: author.id,
      seq: head === undefined ? 1 : head.entry.seq + 1,
      prev: head === undefined ? null : head.hash,
      seen,
      time: new Date(Date.UTC(2026, 10, 23, 5, 45, 0, 123) + this.#step++ * 1_001).toISOString(),
      ...draft,
    } as UnsignedEntry;
    const sealed = signEntry(unsigned, author.identity);
    this.heads.set(author.id, sealed);
    return sealed;
  }
}
