/**
 * Receive accepts exactly what verify accepts: a peer can get nothing stored that `verify` later
 * calls broken, and nothing that `verify` would call intact is refused but for the few rules only
 * a receiving station can judge (its clock, its own consent, what the author signed to it before).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkRecord,
  generateIdentity,
  sha256Hex,
  signMemberClaim,
  type ErrorCode,
  type HeldEntry,
  type Identity,
  type SealedEntry,
  type UnsignedEntry,
} from "../../record/mod.js";
import { signWithKey } from "../../record/_testing.js";
import { initStation } from "./init.js";
import { Station } from "./station.js";
import type { StoredEntry } from "../../store/mod.js";

/** Refusals that rest on what only the receiving station knows, not on the record. */
const RECEIVER_ONLY: ReadonlySet<ErrorCode> = new Set(["FUTURE_TIME", "NO_CONSENT", "MEMBER_CONFLICT"]);

const NOW = Date.parse("2026-12-07T03:00:00.000Z");

type Action =
  | { kind: "text"; by: "b" | "c"; mutation: Mutation }
  | { kind: "add-c"; consenters: "none" | "a"; badProof: boolean; certOf: "own" | "b" }
  | { kind: "approve-c" }
  | { kind: "approve-by-b" };

type Mutation =
  | "none"
  | "seq+1"
  | "seq-1"
  | "prev"
  | "seen-unknown"
  | "seen-wrong-author"
  | "time-back"
  | "time-before-seen";

const mutations = fc.constantFrom<Mutation>(
  "none",
  "none",
  "none",
  "seq+1",
  "seq-1",
  "prev",
  "seen-unknown",
  "seen-wrong-author",
  "time-back",
  "time-before-seen",
);

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("text" as const),
      by: fc.constantFrom<"b" | "c">("b", "c"),
      mutation: mutations,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("add-c" as const),
      consenters: fc.constantFrom<"none" | "a">("none", "a"),
      badProof: fc.boolean(),
      certOf: fc.constantFrom<"own" | "b">("own", "own", "b"),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "approve-c" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "approve-by-b" as const }) },
);

interface Peer {
  identity: Identity;
  participant: { station: string; name: string; url: string; cert: string };
}

function peer(name: string): Peer {
  const identity = generateIdentity();
  return {
    identity,
    participant: {
      station: identity.id,
      name,
      url: `https://${name.toLowerCase()}.example:7443`,
      cert: `sha256:${sha256Hex(name + identity.id)}`,
    },
  };
}

describe("receive and verify", () => {
  it("receive accepts an entry exactly when verify finds the record with it intact (fast-check)", async () => {
    const root = mkdtempSync(join(tmpdir(), "hotline-receive-verify-"));
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (actions) => {
          const dir = join(root, `a${n++}`);
          await initStation({ dir, name: "Alpha", listen: "127.0.0.1:17401" });
          const clock = { t: NOW, now: () => clock.t };
          const a = await Station.open({ dir, clock });
          try {
            const b = peer("Bravo");
            const c = peer("Charlie");
            const line = (await a.createLine({ name: "alpha-bravo", operator: "admin" })).id;
            await a.write(line, {
              kind: "member.add",
              body: {
                member: b.participant,
                consenters: [],
                proof: signMemberClaim(line, b.participant, b.identity),
                operator: "admin",
              },
            });
            let addOfC: string | null = null;
            for (const act of actions) {
              clock.t += 1_000;
              if (act.kind === "approve-c") {
                const pending = (await a.store.members(line)).find(
                  (m) => m.station === c.participant.station && !m.active,
                );
                if (pending !== undefined && pending.consenters.includes(a.id)) {
                  await a.approveMember({ line, member: c.participant.station, operator: "admin" });
                }
                continue;
              }
              const sealed = await craft(a, line, act, { b, c, addOfC, now: clock.t });
              if (sealed === null) continue;
              const all: StoredEntry[] = [];
              for await (const e of a.store.allEntries()) all.push(e);
              const held: HeldEntry[] = all.map(({ line: l, author, seq, hash, bytes }) => ({
                line: l,
                author,
                seq,
                hash,
                bytes,
              }));
              const result = await a.receive([JSON.parse(sealed.bytes.toString("utf8")) as unknown]);
              const problems = checkRecord([
                ...held,
                {
                  line,
                  author: sealed.entry.author,
                  seq: sealed.entry.seq,
                  hash: sealed.hash,
                  bytes: sealed.bytes,
                },
              ]);
              if (result.refused === null && result.applied.length === 1) {
                expect(problems, `accepted ${act.kind} ${"mutation" in act ? act.mutation : ""}`).toEqual([]);
                if (act.kind === "add-c") addOfC = sealed.hash;
              } else if (result.refused !== null && !RECEIVER_ONLY.has(result.refused.code)) {
                expect(
                  problems.length,
                  `refused ${result.refused.code} but verify finds it intact`,
                ).toBeGreaterThan(0);
              }
            }
            expect((await a.verify()).ok).toBe(true);
          } finally {
            await a.close();
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});

/** The entry an action makes, signed by its author (or by whoever the mutation says). */
async function craft(
  a: Station,
  line: string,
  act: Exclude<Action, { kind: "approve-c" }>,
  ctx: { b: Peer; c: Peer; addOfC: string | null; now: number },
): Promise<SealedEntry | null> {
  const author = act.kind === "text" && act.by === "c" ? ctx.c : ctx.b;
  const head = await a.store.head(line, author.identity.id);
  const seen: Record<string, string> = {};
  for (const h of await a.store.heads(line)) if (h.author !== author.identity.id) seen[h.author] = h.hash;
  const mutation: Mutation = act.kind === "text" ? act.mutation : "none";
  const envelope = {
    v: 1 as const,
    line,
    author: author.identity.id,
    seq: (head?.seq ?? 0) + 1 + (mutation === "seq+1" ? 1 : mutation === "seq-1" ? -1 : 0),
    prev: mutation === "prev" ? sha256Hex("elsewhere") : (head?.hash ?? null),
    seen:
      mutation === "seen-unknown"
        ? { ...seen, [a.id]: sha256Hex("never written") }
        : mutation === "seen-wrong-author"
          ? {
              ...seen,
              [author.identity.id === ctx.b.identity.id ? ctx.c.identity.id : ctx.b.identity.id]: line,
            }
          : seen,
    time: new Date(
      mutation === "time-back"
        ? Date.parse(head?.time ?? new Date(ctx.now).toISOString()) - 1
        : mutation === "time-before-seen"
          ? ctx.now - 11 * 60_000
          : ctx.now,
    ).toISOString(),
  };
  if (envelope.seq < 1) return null;
  let unsigned: UnsignedEntry;
  if (act.kind === "text") {
    unsigned = {
      ...envelope,
      kind: "text",
      body: { text: "Radio check.", lang: "en", precedence: "ROUTINE", operator: "duty" },
    };
  } else if (act.kind === "add-c") {
    const member =
      act.certOf === "b" ? { ...ctx.c.participant, cert: ctx.b.participant.cert } : ctx.c.participant;
    unsigned = {
      ...envelope,
      kind: "member.add",
      body: {
        member,
        consenters: act.consenters === "a" ? [a.id] : [],
        proof: signMemberClaim(act.badProof ? sha256Hex("another line") : line, member, ctx.c.identity),
        operator: "duty",
      },
    };
  } else {
    if (ctx.addOfC === null) return null;
    unsigned = { ...envelope, kind: "member.approve", body: { of: ctx.addOfC, operator: "duty" } };
  }
  return signWithKey(unsigned, author.identity.privateKey);
}
