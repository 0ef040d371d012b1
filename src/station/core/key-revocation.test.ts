/**
 * Key revocation, at a receiving station and in `verify`: a `key.revoke` is signed by the new key
 * with the revoked key's proof; what follows it waits (KEY_UNCONFIRMED) until this station's own
 * operator accepts the re-pairing token; after that the revoked key's entries dated after `since`
 * are refused (KEY_REVOKED) and verify names them as findings.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  KEY_KINDS,
  canonicalJson,
  checkRecord,
  keyHistoryOf,
  readStoredEntry,
  type HeldEntry,
  generateIdentity,
  sha256Hex,
  signEntry,
  signMemberClaim,
  signRevocation,
  type ErrorCode,
  type Identity,
  type SealedEntry,
  type UnsignedEntry,
} from "../../record/mod.js";
import { initStation } from "./init.js";
import { makeRevocationToken } from "./key-revocation.js";
import { Station } from "./station.js";

const NOW = Date.parse("2026-12-07T03:00:00.000Z");
const SINCE = "2026-12-07T02:00:00.000Z";

let root: string;
let a: Station;
let line: string;
let bravo: { id: string; identity: Identity; cert: string };
const clock = { t: NOW, now: () => clock.t };

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "hotline-key-revocation-"));
  await initStation({ dir: root, name: "Alpha", listen: "127.0.0.1:17412" });
  clock.t = NOW;
  a = await Station.open({ dir: root, clock });
  const identity = generateIdentity();
  const participant = {
    station: identity.id,
    name: "Bravo",
    url: "https://bravo.example:7443",
    cert: `sha256:${sha256Hex("bravo" + identity.id)}`,
  };
  bravo = { id: identity.id, identity, cert: participant.cert };
  line = (await a.createLine({ name: "alpha-bravo", operator: "admin" })).id;
  await a.write(line, {
    kind: "member.add",
    body: {
      member: participant,
      consenters: [],
      proof: signMemberClaim(line, participant, identity),
      operator: "admin",
    },
  });
});

afterEach(async () => {
  await a.close();
  rmSync(root, { recursive: true, force: true });
});

async function envelope(time = clock.t + 1_000) {
  clock.t = Math.max(clock.t + 1_000, time);
  const head = await a.store.head(line, bravo.id);
  const seen: Record<string, string> = {};
  for (const h of await a.store.heads(line)) if (h.author !== bravo.id) seen[h.author] = h.hash;
  return {
    v: 1,
    line,
    author: bravo.id,
    seq: (head?.seq ?? 0) + 1,
    prev: head?.hash ?? null,
    seen,
    time: new Date(time).toISOString(),
  };
}

/** Bravo's key.revoke: signed by `signer` (default the new key), proof by `prover` (default the old). */
async function revocation(
  options: { signer?: "new" | "old"; prover?: Identity; revoked?: string; next?: Identity } = {},
): Promise<{ sealed: SealedEntry; next: Identity }> {
  const next = options.next ?? generateIdentity();
  const env = await envelope();
  const revoked = options.revoked ?? bravo.identity.key;
  const proof = signRevocation(
    { line, station: bravo.id, key: next.key, revoked, since: SINCE, seq: env.seq, prev: env.prev },
    options.prover ?? bravo.identity,
  );
  const unsigned = {
    ...env,
    kind: "key.revoke",
    body: { key: next.key, revoked, since: SINCE, proof, operator: "duty" },
  } as UnsignedEntry;
  const signer = options.signer === "old" ? bravo.identity : next;
  return { sealed: signEntry(unsigned, { ...signer, id: bravo.id }), next };
}

async function text(words: string, signer: Identity, time?: number): Promise<SealedEntry> {
  const unsigned = {
    ...(await envelope(time)),
    kind: "text",
    body: { text: words, lang: "en", precedence: "ROUTINE", operator: "duty" },
  } as UnsignedEntry;
  return signEntry(unsigned, { ...signer, id: bravo.id });
}

async function receive(sealed: SealedEntry): Promise<ErrorCode | null> {
  const result = await a.receive([JSON.parse(sealed.bytes.toString("utf8")) as unknown]);
  return result.refused?.code ?? null;
}

function tokenFor(sealed: SealedEntry, next: Identity, change: Record<string, unknown> = {}): string {
  return makeRevocationToken(
    {
      v: 1,
      type: "hotline key revocation",
      line,
      lineName: "alpha-bravo",
      station: bravo.id,
      name: "Bravo",
      url: "https://bravo.example:7443",
      cert: bravo.cert,
      key: next.key,
      since: SINCE,
      entry: sealed.hash,
      ...change,
    },
    next,
  );
}

describe("key.revoke at a receiving station", () => {
  it("waits for this station's operator: KEY_UNCONFIRMED, then accepted; the old key after since is KEY_REVOKED, and verify names what it signed", async () => {
    const old = bravo.identity;
    expect(await receive(await text("before the theft was noticed", old))).toBeNull();
    const { sealed, next } = await revocation();
    expect(await receive(sealed)).toBeNull();
    expect((await a.store.alarms()).map((x) => x.code)).toContain("KEY_REVOKED");
    const waiting = await text("on the new key", next);
    expect(await receive(waiting)).toBe("KEY_UNCONFIRMED");
    // Until accepted, verify says nobody vouched for the new key.
    expect((await a.verify({ workers: 0 })).findings.map((f) => f.code)).toEqual([
      "KEY_UNCONFIRMED",
      "KEY_REVOKED",
    ]);

    // Nor can Bravo take the new key onto another line here before it is accepted.
    expect(await a.keyConflict({ station: bravo.id, key: next.key })).toMatch(/never signed with key/);
    const accepted = await a.acceptRevocation({ token: tokenFor(sealed, next), operator: "admin" });
    expect(await a.keyConflict({ station: bravo.id, key: next.key })).toBeNull();
    expect(accepted.key).toBe(next.key);
    expect(await a.keyOn(line, bravo.id)).toBe(next.key);
    expect(await receive(waiting)).toBeNull();
    const thief = await text("the thief, after since", old);
    expect(await receive(thief)).toBe("KEY_REVOKED");
    const report = await a.verify({ workers: 0 });
    expect(report.problems).toEqual([]);
    expect(report.findings.map((f) => `${f.code} ${f.seq}`)).toEqual(["KEY_REVOKED 1"]);
  });

  it("a key.revoke signed by the old key is refused BAD_SIGNATURE", async () => {
    expect(await receive((await revocation({ signer: "old" })).sealed)).toBe("BAD_SIGNATURE");
  });

  it("a key.revoke whose proof is not the revoked key's (another participant writing one for Bravo) is refused BAD_SIGNATURE", async () => {
    expect(await receive((await revocation({ prover: generateIdentity() })).sealed)).toBe("BAD_SIGNATURE");
    expect((await a.verify()).ok).toBe(true);
  });

  it("a key.revoke of a key that is not Bravo's in force, or to a key the line has, is refused KEY_CONFLICT", async () => {
    const other = generateIdentity();
    expect(await receive((await revocation({ revoked: other.key, prover: other })).sealed)).toBe(
      "KEY_CONFLICT",
    );
    const alphaKey = { ...a.identity };
    expect(await receive((await revocation({ next: alphaKey })).sealed)).toBe("KEY_CONFLICT");
  });

  it("a key.revoke.ack naming no revocation is refused UNKNOWN_ENTRY; Bravo acknowledging its own is NO_CONSENT", async () => {
    const { sealed, next } = await revocation();
    expect(await receive(sealed)).toBeNull();
    const ack = async (of: string) =>
      signEntry(
        {
          ...(await envelope()),
          kind: "key.revoke.ack",
          body: { of, station: bravo.id, key: next.key, since: SINCE, operator: "duty" },
        } as UnsignedEntry,
        { ...next, id: bravo.id },
      );
    // Alpha has not accepted: Bravo's ack waits like anything else it writes after the revocation...
    expect(await receive(await ack(sealed.hash))).toBe("KEY_UNCONFIRMED");
    await a.acceptRevocation({ token: tokenFor(sealed, next), operator: "admin" });
    // ...and once accepted is still refused: a station cannot vouch for its own new key.
    expect(await receive(await ack(sealed.hash))).toBe("NO_CONSENT");
    expect(await receive(await ack(sha256Hex("no such entry")))).toBe("UNKNOWN_ENTRY");
  });
});

describe("verify across a revocation", () => {
  it("names an entry after the revocation signed by the revoked key KEY_REVOKED (a problem), and one by the new key is intact", async () => {
    const old = bravo.identity;
    const { sealed, next } = await revocation();
    expect(await receive(sealed)).toBeNull();
    const held: HeldEntry[] = [];
    for await (const e of a.store.allEntries()) held.push(e);
    const setters = (await Promise.all(KEY_KINDS.map((k) => a.store.entriesOfKind(line, k)))).flat();
    const keys = keyHistoryOf(
      setters.map((e) => ({ entry: readStoredEntry(e), bytes: e.bytes, hash: e.hash })),
    );
    const after = async (signer: Identity) => {
      const e = await text("after the revocation", signer);
      return { line, author: bravo.id, seq: e.entry.seq, hash: e.hash, bytes: e.bytes };
    };
    expect(checkRecord([...held, await after(old)], keys).map((p) => p.code)).toEqual(["KEY_REVOKED"]);
    expect(checkRecord([...held, await after(next)], keys)).toEqual([]);
  });
});

describe("the re-pairing token", () => {
  it("a token not signed by the key it names, one for a revocation not held, one that does not match, or an oversize one is refused and nothing is written", async () => {
    const { sealed, next } = await revocation();
    expect(await receive(sealed)).toBeNull();
    const before = (await a.store.head(line, a.id))?.seq;
    const attempt = async (token: string) => {
      try {
        await a.acceptRevocation({ token, operator: "admin" });
        return null;
      } catch (error) {
        return (error as { code?: string }).code ?? "?";
      }
    };
    const mallory = generateIdentity();
    // Signed by Mallory's key, naming Bravo's new key.
    const forged = makeRevocationToken(
      JSON.parse(
        Buffer.from(tokenFor(sealed, next).slice("hotline-revocation:".length), "base64url").toString(),
      ) as never,
      mallory,
    );
    expect(await attempt(forged)).toBe("BAD_SIGNATURE");
    // Mallory's own key, for Bravo's revocation.
    expect(await attempt(tokenFor(sealed, mallory, { key: mallory.key }))).toBe("BAD_INPUT");
    expect(await attempt(tokenFor(sealed, next, { entry: sha256Hex("elsewhere") }))).toBe("NOT_FOUND");
    expect(await attempt(tokenFor(sealed, next, { station: a.id }))).toBe("BAD_INPUT");
    expect(await attempt(tokenFor(sealed, next, { since: "2026-12-07T01:00:00.000Z" }))).toBe("BAD_INPUT");
    expect(await attempt(`hotline-revocation:${"A".repeat(5000)}`)).toBe("BAD_INPUT");
    expect(
      await attempt(`hotline-revocation:${Buffer.from(canonicalJson({ v: 1 })).toString("base64url")}`),
    ).toBe("BAD_INPUT");
    expect((await a.store.head(line, a.id))?.seq).toBe(before);
    expect(await a.keyOn(line, bravo.id)).toBe(bravo.id);
  });
});

describe("hotline key revoke at this station", () => {
  it("a crash after the revocation was committed but before the new key took the old one's place is finished at open", async () => {
    const oldKey = readFileSync(join(root, "identity.key"), "utf8");
    const revoked = await a.revokeKey({ since: SINCE, operator: "admin" });
    await a.close();
    // The files as they were between the commit and the rename.
    renameSync(join(root, "identity.key"), join(root, "identity.key.next"));
    writeFileSync(join(root, "identity.key"), oldKey, { mode: 0o600 });
    a = await Station.open({ dir: root, clock });
    expect(a.identity.key).toBe(revoked.key);
    expect(existsSync(join(root, "identity.key.next"))).toBe(false);
    await a.send({ line, text: "after the crash", operator: "admin" });
    expect((await a.verify()).problems).toEqual([]);
  });

  it("a failed commit deletes the new key and leaves the old one in force", async () => {
    const before = a.identity.key;
    const transaction = a.store.transaction.bind(a.store);
    a.store.transaction = () => Promise.reject(new Error("disk full"));
    await expect(a.revokeKey({ since: SINCE, operator: "admin" })).rejects.toThrow("disk full");
    a.store.transaction = transaction;
    expect(existsSync(join(root, "identity.key.next"))).toBe(false);
    expect(a.identity.key).toBe(before);
  });

  it("writes a key.revoke on every line signed by the new key, replaces the key file (0600), and refuses a since in the future", async () => {
    const old = a.identity.key;
    await expect(a.revokeKey({ since: "2099-01-01T00:00:00Z", operator: "admin" })).rejects.toMatchObject({
      code: "BAD_INPUT",
    });
    const revoked = await a.revokeKey({ since: SINCE, operator: "admin" });
    expect(revoked.key).not.toBe(old);
    expect(a.identity.key).toBe(revoked.key);
    expect(revoked.lines.map((l) => l.peers.map((p) => p.id))).toEqual([[bravo.id]]);
    const held = await a.store.entryByHash(revoked.lines[0]?.hash ?? "");
    expect(held?.kind).toBe("key.revoke");
    expect(statSync(join(root, "identity.key")).mode & 0o777).toBe(0o600);
    const reopened = await (async () => {
      await a.close();
      a = await Station.open({ dir: root, clock });
      return a;
    })();
    expect(reopened.identity.key).toBe(revoked.key);
    const report = await reopened.verify({ workers: 0 });
    expect(report.problems).toEqual([]);
  });
});
