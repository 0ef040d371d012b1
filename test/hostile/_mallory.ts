/**
 * The scripted hostile peer: a legitimately paired station whose identity key and TLS credentials
 * the script holds. It signs whatever it likes — without the schema check `signEntry` makes, so it
 * can sign what a fixed schema refuses — and sends raw requests to the victim over mutual TLS with
 * its own certificate.
 *
 * @module
 */
import { sign } from "node:crypto";
import { generateIdentity, canonicalJson, parseEntry, seal, sha256Hex } from "../../src/record/mod.js";
import * as record from "../../src/record/mod.js";
import type { Identity } from "../../src/record/mod.js";
import { PAIR_REQUEST } from "../../src/station/mod.js";
import { makeSelfSignedCertificate, certFingerprint } from "../../src/station/core/tls.js";
import { peerCall, type PeerAnswer, type PeerCallOptions } from "../helpers/peer-call.js";
import { assertLineWorks, Harness, type Node } from "./_harness.js";

/** An entry as it goes on the wire: a plain JSON object, signed. */
export type Wire = Record<string, unknown> & { seq: number; sig: string };

/** What a line knows of a participant: how to reach and pin it. */
export interface Member {
  station: string;
  name: string;
  url: string;
  cert: string;
  /** the key its chain begins with, when not its station id (a station whose key was rotated) */
  key?: string;
}

/** A station the scripted peer made up: a key and a certificate nobody else holds. */
export interface Puppet {
  identity: Identity;
  id: string;
  tls: { cert: string; key: string };
  cert: string;
}

/**
 * @param value anything JSON
 * @param identity the key to sign with
 * @returns an Ed25519 signature over its canonical JSON, base64url
 */
export function signBytes(value: unknown, identity: Identity): string {
  return sign(null, Buffer.from(canonicalJson(value)), identity.privateKey).toString("base64url");
}

/**
 * Signs an entry as its author would, with no schema check.
 *
 * @param unsigned the entry without `sig`
 * @param identity the key to sign with
 * @returns the entry with `sig`
 */
export function signRaw(unsigned: Record<string, unknown>, identity: Identity): Wire {
  return { ...unsigned, sig: signBytes(unsigned, identity) } as Wire;
}

/** @returns the hash (id) of a signed wire entry */
export function hashOf(wire: Wire): string {
  return sha256Hex(canonicalJson(wire));
}

/** @returns a new made-up station: a fresh key and a self-signed certificate */
export async function puppet(name: string): Promise<Puppet> {
  const identity = generateIdentity();
  const tls = await makeSelfSignedCertificate(name, ["127.0.0.1"]);
  return { identity, id: identity.id, tls, cert: certFingerprint(tls.cert) };
}

/** Does this build's `member.add` carry consenters and a proof (the fixed record)? */
export const MEMBER_ADD_HAS_PROOF = "consenters" in record.BODY_SCHEMAS["member.add"].shape;
/** Does this build's pair request carry the joiner's signed claim (the fixed pairing)? */
export const PAIR_HAS_CLAIM = "claim" in PAIR_REQUEST.shape;

type ClaimSigner = (line: string, participant: Member, identity: Identity) => string;

/**
 * The member's proof that it owns its station key: its signature over the member claim. Uses the
 * record's `signMemberClaim` where the build has it; on a build without it, a signature over the
 * same fields that nothing checks.
 *
 * @param line the line
 * @param member the participant claimed
 * @param identity the key that signs (the member's own, or another to forge)
 * @returns the signature, base64url
 */
export function memberProof(line: string, member: Member, identity: Identity): string {
  const signer = (record as unknown as { signMemberClaim?: ClaimSigner }).signMemberClaim;
  if (signer !== undefined) return signer(line, member, identity);
  return signBytes({ line, participant: member }, identity);
}

/**
 * A `member.add` body in the form this build's record takes: with consenters and proof on the fixed
 * record, as `{ member, operator }` before it (so that today's build is asked what it accepts).
 *
 * @param member the participant added
 * @param options who consents, and the member's proof
 * @returns the body
 */
export function memberAddBody(
  member: Member,
  options: { consenters: string[]; proof: string },
): Record<string, unknown> {
  return MEMBER_ADD_HAS_PROOF
    ? { member, consenters: options.consenters, proof: options.proof, operator: "mallory" }
    : { member, operator: "mallory" };
}

/** The scripted peer against one victim. */
export class Mallory {
  readonly node: Node;
  readonly victim: Node;

  constructor(node: Node, victim: Node) {
    this.node = node;
    this.victim = victim;
  }

  get id(): string {
    return this.node.id;
  }

  /**
   * One raw request to the victim's peer endpoint with Mallory's certificate (unless told otherwise).
   *
   * @param options path, body, method, certificate, timeout
   * @returns the answer
   */
  call(options: Omit<PeerCallOptions, "tls"> & { tls?: PeerCallOptions["tls"] }): Promise<PeerAnswer> {
    return peerCall(this.victim.port, { tls: this.node.tls, ...options });
  }

  /**
   * The envelope Mallory's next entry on a line gets, continuing its chain as its own store holds
   * it; `seen` names the other chains' heads the victim holds.
   *
   * @param line the line
   * @returns v, line, author, seq, prev, seen, time
   */
  async envelope(line: string): Promise<Record<string, unknown> & { seq: number }> {
    const store = this.node.station.store;
    const head = await store.head(line, this.id);
    const seen: Record<string, string> = {};
    for (const h of await store.heads(line)) {
      if (h.author !== this.id && (await this.victim.station.store.entryByHash(h.hash)) !== null)
        seen[h.author] = h.hash;
    }
    return {
      v: 1,
      line,
      author: this.id,
      seq: (head?.seq ?? 0) + 1,
      prev: head?.hash ?? null,
      seen,
      time: new Date().toISOString(),
    };
  }

  /**
   * Signs Mallory's next entry on a line.
   *
   * @param line the line
   * @param kind the entry's kind
   * @param body its body
   * @param change fields of the envelope to set otherwise (seq, prev, seen, time …)
   * @returns the signed entry
   */
  async entry(
    line: string,
    kind: string,
    body: unknown,
    change: Record<string, unknown> = {},
  ): Promise<Wire> {
    return signRaw({ ...(await this.envelope(line)), kind, body, ...change }, this.node.identity);
  }

  /** @returns a text entry, next on Mallory's chain unless changed */
  text(line: string, text: string, change: Record<string, unknown> = {}): Promise<Wire> {
    return this.entry(line, "text", { text, lang: "en", precedence: "ROUTINE", operator: "mallory" }, change);
  }

  /**
   * Pushes entries to the victim. What the victim took (a 200) Mallory keeps in its own store too,
   * so its chain goes on where the victim holds it and later tests are not thrown off.
   *
   * @param line the line named in the push
   * @param entries the entries
   * @returns the answer
   */
  async push(line: string, entries: readonly unknown[]): Promise<PeerAnswer> {
    const answer = await this.call({ path: "/peer/v1/push", body: JSON.stringify({ line, entries }) });
    if (answer.status === 200) await this.keep(entries);
    return answer;
  }

  /** Takes entries the victim accepted into Mallory's own store, unchecked. */
  async keep(entries: readonly unknown[]): Promise<void> {
    const store = this.node.station.store;
    for (const value of entries) {
      let sealed;
      try {
        sealed = seal(parseEntry(value));
      } catch {
        continue; // not an entry this build can read: nothing the victim can have stored either
      }
      if ((await store.entryByHash(sealed.hash)) !== null) continue;
      if (sealed.entry.author !== this.id) continue;
      if (((await store.head(sealed.entry.line ?? "", this.id))?.seq ?? 0) + 1 !== sealed.entry.seq) continue;
      const entry = sealed;
      await store.transaction((tx) => tx.appendEntries([entry], new Date().toISOString()));
      await this.node.station.storedElsewhere([entry]);
    }
  }

  /**
   * Signs a head statement as Mallory (or as the identity given) and posts it to /peer/v1/heads.
   *
   * @param line the line named
   * @param heads the heads claimed
   * @param options the statement's time, the signing key, the certificate
   * @returns the answer
   */
  heads(
    line: string,
    heads: Record<string, { seq: number; hash: string }>,
    options: { time?: string } = {},
  ): Promise<PeerAnswer> {
    const unsigned = {
      v: 1,
      type: "heads",
      line,
      station: this.id,
      time: options.time ?? new Date().toISOString(),
      heads,
    };
    const statement = { ...unsigned, sig: signBytes(unsigned, this.node.identity) };
    return this.call({ path: "/peer/v1/heads", body: JSON.stringify({ statement }) });
  }

  /**
   * @param line a line
   * @param author a chain
   * @returns the answer to GET /peer/v1/entries for that chain, from the start
   */
  entries(line: string, author: string, tls = this.node.tls): Promise<PeerAnswer> {
    const query = new URLSearchParams({ line, author, after: "0" });
    return peerCall(this.victim.port, { path: `/peer/v1/entries?${query.toString()}`, tls });
  }
}

/** Two stations on one line: the victim (an honest station, all running) and the scripted peer. */
export interface Bilateral {
  h: Harness;
  a: Node;
  m: Node;
  mal: Mallory;
  line: string;
}

/**
 * A fresh victim Alpha and a scripted peer Mallory, paired on a line over mutual TLS, each side
 * with a message the other holds and has receipted (so Mallory's chain has a head).
 *
 * @returns the scene; `await h.close()` ends it
 */
export async function bilateral(): Promise<Bilateral> {
  const h = Harness.create();
  const a = await h.station("Alpha");
  const m = await h.station("Mallory", { run: "server" });
  const line = await h.line(a, "alpha-mallory", [m]);
  await assertLineWorks(a, m, line);
  return { h, a, m, mal: new Mallory(m, a), line };
}
