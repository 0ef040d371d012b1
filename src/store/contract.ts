import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { checkRecord, HotlineError } from "../record/mod.js";
import { chainAuthor, TestChains } from "./_test-chains.js";
import { CRASH_BATCH } from "./crash-child.js";
import { MAX_ROUTE_CHANGES } from "./health.js";
import { MAX_EVIDENCE_BYTES, MAX_EVIDENCE_PER_AUTHOR } from "./peers.js";
import { bufferAppends } from "./buffered-appends.js";
import type { Store, StoredEntry } from "./store.js";

/** How to run a store implementation under the contract. */
export interface ContractOptions {
  /**
   * The command that runs the implementation's crash child (see crash-child.ts) in a directory;
   * the contract appends the directory and the mode.
   */
  crashChild: readonly string[];
}

const T0 = "2026-11-23T05:00:00.000Z";
const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

async function collect(entries: AsyncIterable<StoredEntry>): Promise<StoredEntry[]> {
  const out: StoredEntry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

/**
 * The store contract: what any implementation of {@link Store} must do, every method of every
 * feature interface, transactions, and crash-safety of a batch. Run it from a test file of the
 * implementation.
 *
 * @param name the implementation's name, for the test titles
 * @param open opens (creating if need be) the store kept in a directory; opening again reopens it
 * @param options how to run its crash child
 */
export function storeContract(
  name: string,
  open: (dir: string) => Promise<Store>,
  options: ContractOptions,
): void {
  describe(`the ${name} store contract`, () => {
    const dirs: string[] = [];
    const stores: Store[] = [];
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });

    function newDir(): string {
      const dir = mkdtempSync(join(tmpdir(), "hotline-contract-"));
      dirs.push(dir);
      return dir;
    }

    async function opened(dir = newDir()): Promise<Store> {
      const store = await open(dir);
      stores.push(store);
      return store;
    }

    /** A line of Moscow and Washington, with Paris added waiting for Washington's consent. */
    function aLine() {
      const moscow = chainAuthor("Moscow");
      const washington = chainAuthor("Washington");
      const paris = chainAuthor("Paris");
      const chains = new TestChains();
      const genesis = chains.genesis(moscow);
      const addWashington = chains.add(moscow, washington);
      const hello = chains.say(washington, "Washington on the line.");
      const addParis = chains.add(moscow, paris, [washington]);
      const transit = chains.say(moscow, "Two Tu-95 transit at 0600Z.");
      const entries = [genesis, addWashington, hello, addParis, transit];
      return { moscow, washington, paris, chains, line: genesis.hash, entries, addParis };
    }

    describe("entries", () => {
      it("appended entries are found by hash, place, prefix, line, kind, arrival and chain", async () => {
        const store = await opened();
        const { moscow, washington, line, entries } = aLine();
        await store.appendEntries(entries, T0);
        const [genesis, addWashington, hello, , transit] = entries;
        if (
          genesis === undefined ||
          hello === undefined ||
          transit === undefined ||
          addWashington === undefined
        )
          throw new Error("unreachable");

        expect(await store.countEntries()).toBe(5);
        expect(await store.entryByHash(hello.hash)).toMatchObject({
          n: 3,
          line,
          author: washington.id,
          seq: 1,
          hash: hello.hash,
          kind: "text",
          time: hello.entry.time,
          receivedAt: T0,
        });
        expect((await store.entryByHash(hello.hash))?.bytes.equals(hello.bytes)).toBe(true);
        expect(await store.entryByHash("f".repeat(64))).toBeNull();
        expect(await store.entryPlace(transit.hash)).toEqual({
          line,
          author: moscow.id,
          seq: 4,
          time: transit.entry.time,
        });
        expect(await store.entryPlace("0".repeat(64))).toBeNull();
        expect((await store.entriesByHashPrefix(hello.hash.slice(0, 10), 5)).map((e) => e.hash)).toEqual([
          hello.hash,
        ]);
        expect(await store.entriesByHashPrefix("", 2)).toHaveLength(2);
        expect((await store.entryAt(line, moscow.id, 2))?.hash).toBe(addWashington.hash);
        expect(await store.entryAt(line, moscow.id, 9)).toBeNull();
        expect((await store.entries(line)).map((e) => e.hash)).toEqual(entries.map((e) => e.hash));
        expect(await store.entries("0".repeat(64))).toEqual([]);
        expect((await store.entriesOfKind(line, "member.add")).map((e) => e.seq)).toEqual([2, 3]);
        // since: the entries dated at or after it, not those before (each entry a second later)
        expect((await store.entriesOfKind(line, "text", hello.entry.time)).map((e) => e.hash)).toEqual([
          hello.hash,
          transit.hash,
        ]);
        expect((await store.entriesOfKind(line, "text", transit.entry.time)).map((e) => e.hash)).toEqual([
          transit.hash,
        ]);
        expect(await store.entriesOfKind(line, "text", "2099-01-01T00:00:00.000Z")).toEqual([]);
        expect((await store.entriesAfter(line, 2, 2)).map((e) => e.n)).toEqual([3, 4]);
        expect((await store.chainAfter(line, moscow.id, 1, 10)).map((e) => e.seq)).toEqual([2, 3, 4]);
        expect((await store.chainAfter(line, moscow.id, 1, 1)).map((e) => e.seq)).toEqual([2]);
        expect((await collect(store.allEntries())).map((e) => e.hash)).toEqual(entries.map((e) => e.hash));
      });

      it("heads: the newest entry of each participant's chain", async () => {
        const store = await opened();
        const { moscow, washington, line, entries } = aLine();
        expect(await store.head(line, moscow.id)).toBeNull();
        await store.appendEntries(entries, T0);
        const transit = entries[4];
        expect(await store.head(line, moscow.id)).toEqual({
          author: moscow.id,
          seq: 4,
          hash: transit?.hash,
          time: transit?.entry.time,
        });
        expect((await store.heads(line)).map((h) => [h.author, h.seq])).toEqual([
          [moscow.id, 4],
          [washington.id, 1],
        ]);
      });

      it("a genesis makes a line, a member.add a member, and consent makes it a participant", async () => {
        const store = await opened();
        const { moscow, washington, paris, chains, line, entries, addParis } = aLine();
        await store.appendEntries(entries, T0);
        expect(await store.line(line)).toEqual({
          id: line,
          name: "Moscow-Washington",
          createdAt: entries[0]?.entry.time,
        });
        expect(await store.line("0".repeat(64))).toBeNull();
        expect(await store.lines()).toEqual([
          { id: line, name: "Moscow-Washington", createdAt: entries[0]?.entry.time, entries: 5 },
        ]);
        expect((await store.participants(line)).map((p) => p.station)).toEqual([moscow.id, washington.id]);
        expect(await store.members(line)).toEqual([
          {
            ...moscow.participant,
            addedBy: line,
            previousCert: null,
            previousUntil: null,
            active: true,
            consenters: [],
            approvals: [],
          },
          {
            ...washington.participant,
            addedBy: entries[1]?.hash,
            previousCert: null,
            previousUntil: null,
            active: true,
            consenters: [],
            approvals: [],
          },
          {
            ...paris.participant,
            addedBy: addParis.hash,
            previousCert: null,
            previousUntil: null,
            active: false,
            consenters: [washington.id],
            approvals: [],
          },
        ]);
        expect(await store.linesOf(paris.id)).toEqual([]);
        expect(await store.membershipsOf(paris.id)).toEqual([
          expect.objectContaining({ line, station: paris.id, active: false }),
        ]);
        expect(await store.membersWithCert(washington.participant.cert)).toEqual([
          expect.objectContaining({ line, station: washington.id }),
        ]);

        await store.appendEntries([chains.approve(moscow, addParis.hash)], T0);
        expect(await store.linesOf(paris.id)).toEqual([]);
        await store.appendEntries([chains.approve(washington, addParis.hash)], T0);
        expect(await store.linesOf(paris.id)).toEqual([line]);
        expect((await store.participants(line)).map((p) => p.station)).toEqual([
          moscow.id,
          washington.id,
          paris.id,
        ]);
        expect((await store.members(line))[2]).toMatchObject({ active: true, approvals: [washington.id] });
      });

      it("one member.approve naming two additions counts its author's consent to each", async () => {
        const store = await opened();
        const { moscow, washington, chains, line, entries, addParis } = aLine();
        const berlin = chainAuthor("Berlin");
        const addBerlin = chains.add(moscow, berlin, [washington]);
        await store.appendEntries([...entries, addBerlin], T0);
        expect((await store.participants(line)).map((p) => p.station)).toEqual([moscow.id, washington.id]);
        await store.appendEntries([chains.approve(washington, [addParis.hash, addBerlin.hash])], T0);
        expect((await store.members(line)).slice(2)).toEqual([
          expect.objectContaining({ addedBy: addParis.hash, active: true, approvals: [washington.id] }),
          expect.objectContaining({ addedBy: addBerlin.hash, active: true, approvals: [washington.id] }),
        ]);
      });

      it("a cert.renew moves its author to the new certificate on the line, the old one kept for 7 days or until retired", async () => {
        const store = await opened();
        const { washington, chains, line, entries } = aLine();
        await store.appendEntries(entries, T0);
        const renewed = `sha256:${"ab".repeat(32)}`;
        await store.appendEntries([chains.renewCert(washington, renewed)], at(10));
        const member = (await store.members(line)).find((m) => m.station === washington.id);
        expect(member).toMatchObject({
          cert: renewed,
          previousCert: washington.participant.cert,
          previousUntil: new Date(Date.parse(at(10)) + 7 * 24 * 3600_000).toISOString(),
        });
        expect((await store.participants(line)).find((p) => p.station === washington.id)).toMatchObject({
          cert: renewed,
          previousCert: washington.participant.cert,
        });
        expect(await store.membersWithCert(renewed)).toEqual([
          expect.objectContaining({ station: washington.id }),
        ]);
        expect(await store.retirePreviousCerts(washington.id, renewed)).toBe(1);
        expect(await store.retirePreviousCerts(washington.id, renewed)).toBe(0);
        expect((await store.members(line)).find((m) => m.station === washington.id)).toMatchObject({
          cert: renewed,
          previousCert: null,
          previousUntil: null,
        });
      });

      it("a batch is appended all or none: one entry taking a seq already held refuses the whole batch", async () => {
        const store = await opened();
        const { moscow, chains, entries } = aLine();
        await store.appendEntries(entries, T0);
        const fresh = chains.say(moscow, "fresh");
        const stale = entries[4];
        if (stale === undefined) throw new Error("unreachable");
        await expect(store.appendEntries([fresh, stale], T0)).rejects.toThrow();
        expect(await store.countEntries()).toBe(5);
        expect(await store.entryByHash(fresh.hash)).toBeNull();
      });

      it("one batch holding a whole line (genesis, members, their consents, a renewed certificate) leaves what entry by entry does", async () => {
        const { moscow, washington, paris, chains, line, entries, addParis } = aLine();
        const renewed = `sha256:${"cd".repeat(32)}`;
        const all = [
          ...entries,
          chains.approve(washington, addParis.hash),
          chains.renewCert(washington, renewed),
          chains.say(paris, "Paris on the line."),
        ];
        const together = await opened();
        await together.appendEntries(all, T0);
        const oneByOne = await opened();
        for (const e of all) await oneByOne.appendEntries([e], T0);
        for (const store of [together, oneByOne]) {
          expect((await store.participants(line)).map((p) => p.station)).toEqual([
            moscow.id,
            washington.id,
            paris.id,
          ]);
          expect((await store.entries(line)).map((e) => [e.n, e.hash])).toEqual(
            all.map((e, i) => [i + 1, e.hash]),
          );
        }
        expect(await together.members(line)).toEqual(await oneByOne.members(line));
        expect((await together.members(line))[1]).toMatchObject({ cert: renewed });
      });

      it("appends buffered in a transaction are seen by its next read and kept in order; a failed one keeps nothing of it", async () => {
        const store = await opened();
        const { moscow, chains, line, entries } = aLine();
        await store.transaction(async (direct) => {
          const tx = bufferAppends(direct);
          for (const e of entries) await tx.appendEntries([e], T0);
          expect(await direct.countEntries()).toBe(0); // still waiting
          expect((await tx.head(line, moscow.id))?.seq).toBe(4);
          await tx.flush();
        });
        expect((await store.entries(line)).map((e) => e.hash)).toEqual(entries.map((e) => e.hash));

        const fresh = chains.say(moscow, "fresh");
        const stale = entries[4];
        if (stale === undefined) throw new Error("unreachable");
        await expect(
          store.transaction(async (direct) => {
            const tx = bufferAppends(direct);
            await tx.appendEntries([fresh], at(1));
            await tx.appendEntries([stale], at(1));
            // a read writes what waits first; its error swallowed here, flush still throws it
            await tx.countEntries().catch(() => 0);
            await tx.flush();
          }),
        ).rejects.toThrow();
        expect(await store.countEntries()).toBe(5);
        expect(await store.entryByHash(fresh.hash)).toBeNull();
      });

      it("allEntries streams a record larger than one page, in storage order", async () => {
        const store = await opened();
        const moscow = chainAuthor("Moscow");
        const chains = new TestChains();
        const batch = [chains.genesis(moscow)];
        for (let i = 0; i < 2_100; i++) batch.push(chains.say(moscow, `message ${i}`));
        await store.appendEntries(batch, T0);
        const all = await collect(store.allEntries());
        expect(all).toHaveLength(2_101);
        expect(all.map((e) => e.n)).toEqual(Array.from({ length: 2_101 }, (_, i) => i + 1));
        expect(checkRecord(all)).toEqual([]);
      });

      it("what was appended is there after the store is closed and opened again", async () => {
        const dir = newDir();
        const first = await open(dir);
        const { line, entries } = aLine();
        await first.appendEntries(entries, T0);
        await first.close();
        const again = await opened(dir);
        expect((await again.entries(line)).map((e) => e.hash)).toEqual(entries.map((e) => e.hash));
      });
    });

    describe("statements", () => {
      it("a statement is kept once per distinct heads, and coverage only grows", async () => {
        const store = await opened();
        const statement = (time: string, heads: Record<string, { seq: number }>) => ({
          line: "L",
          station: "W",
          time,
          heads: JSON.stringify(heads),
          bytes: Buffer.from(time),
        });
        await store.addStatement(statement(at(0), { M: { seq: 2 }, W: { seq: 1 } }), at(0));
        await store.addStatement(statement(at(1), { M: { seq: 2 }, W: { seq: 1 } }), at(1));
        await store.addStatement(statement(at(2), { M: { seq: 4 }, W: { seq: 1 } }), at(2));
        await store.addStatement(statement(at(3), { M: { seq: 3 }, W: { seq: 1 } }), at(3));
        await store.addStatement({ ...statement(at(1), { M: { seq: 1 } }), station: "P" }, at(1));
        expect(await store.coveredSeq("L", "W", "M")).toBe(4);
        expect(await store.coveredSeq("L", "W", "X")).toBe(0);
        expect(await store.coverage("L")).toEqual([
          { peer: "P", author: "M", seq: 1, time: at(1) },
          { peer: "W", author: "M", seq: 2, time: at(0) },
          { peer: "W", author: "M", seq: 4, time: at(2) },
          { peer: "W", author: "W", seq: 1, time: at(0) },
        ]);
        const latest = await store.latestStatements("L");
        expect(latest.map((s) => [s.station, s.time])).toEqual([
          ["P", at(1)],
          ["W", at(3)],
        ]);
        expect(latest[1]?.bytes.toString()).toBe(at(3));
        expect(await store.latestStatements("other")).toEqual([]);
      });
    });

    describe("peers", () => {
      it("an invite is kept and used once", async () => {
        const store = await opened();
        const { line, entries } = aLine();
        await store.appendEntries(entries, T0);
        const invite = {
          id: "i1",
          line,
          secretHash: "s",
          createdAt: at(0),
          expiresAt: at(60),
          createdBy: "alice",
          usedAt: null,
          usedBy: null,
        };
        await store.addInvite(invite);
        expect(await store.invite("i1")).toEqual(invite);
        expect(await store.invite("nope")).toBeNull();
        expect(await store.useInvite("i1", "W", at(1))).toBe(true);
        expect(await store.useInvite("i1", "P", at(2))).toBe(false);
        expect(await store.invite("i1")).toMatchObject({ usedAt: at(1), usedBy: "W" });
      });

      it("contact: failures count until a success resets them", async () => {
        const store = await opened();
        expect(await store.contact("W")).toBeNull();
        await store.contactFailed("W", "ECONNREFUSED", at(0));
        await store.contactFailed("W", "timeout", at(1));
        expect(await store.contact("W")).toEqual({
          station: "W",
          lastContact: null,
          lastFailure: at(1),
          lastError: "timeout",
          failures: 2,
        });
        await store.contactSucceeded("W", at(2));
        expect(await store.contact("W")).toMatchObject({ lastContact: at(2), failures: 0 });
      });

      it("evidence: the same again is counted, not kept; past the cap per (line, author) the first rows stay; oversized bytes are not kept", async () => {
        const store = await opened();
        const evidence = (seq: number, author = "A", bytes: Buffer | null = null, line = "L") => ({
          code: "EQUIVOCATION",
          line,
          author,
          seq,
          heldHash: "h",
          otherHash: `o${seq}`,
          otherBytes: bytes,
          reportedBy: null,
          detectedAt: T0,
        });
        expect(await store.addEvidence(evidence(1))).toBe(true);
        expect(await store.addEvidence(evidence(1))).toBe(false);
        for (let seq = 2; seq <= MAX_EVIDENCE_PER_AUTHOR + 5; seq++) await store.addEvidence(evidence(seq));
        expect((await store.evidence("L")).map((e) => e.seq)).toEqual(
          Array.from({ length: MAX_EVIDENCE_PER_AUTHOR }, (_, i) => i + 1),
        );
        expect(await store.droppedEvidence("L", "A")).toBe(6);
        expect(await store.addEvidence(evidence(1, "B", Buffer.alloc(MAX_EVIDENCE_BYTES + 1)))).toBe(true);
        expect((await store.evidence("L")).find((e) => e.author === "B")?.otherBytes).toBeNull();
        expect(await store.droppedEvidence("L", "B")).toBe(0);
        await store.addEvidence(evidence(1, "A", Buffer.from("x"), "M"));
        expect(await store.evidence("M")).toEqual([evidence(1, "A", Buffer.from("x"), "M")]);
        expect(await store.evidence()).toHaveLength(MAX_EVIDENCE_PER_AUTHOR + 2);
      });
    });

    describe("alarms", () => {
      const alarm = {
        code: "LINK_DOWN",
        severity: "critical",
        line: "L",
        peer: "P",
        entry: null,
        detail: "down",
      } as const;

      it("an alarm is raised once per cause; a repeat counts, a graver or acknowledged one reopens", async () => {
        const store = await opened();
        const first = await store.raiseAlarm({ ...alarm, severity: "warning", raisedAt: at(0) });
        expect(first.outcome).toBe("raised");
        expect(await store.raiseAlarm({ ...alarm, severity: "info", raisedAt: at(1) })).toEqual({
          id: first.id,
          outcome: "repeated",
        });
        expect((await store.raiseAlarm({ ...alarm, raisedAt: at(2) })).outcome).toBe("reopened");
        expect(await store.alarm(first.id)).toMatchObject({
          severity: "critical",
          count: 3,
          raisedAt: at(0),
          lastRaisedAt: at(2),
          detail: "down",
          audience: null,
          escalation: 0,
        });
        expect(await store.ackAlarm(first.id, "alice", at(3))).toBe(true);
        expect((await store.raiseAlarm({ ...alarm, raisedAt: at(4) })).outcome).toBe("reopened");
        expect(await store.alarm(first.id)).toMatchObject({ ackedBy: null, ackedAt: null, count: 4 });
        const other = await store.raiseAlarm({ ...alarm, cause: "another", raisedAt: at(5) });
        expect(other.id).not.toBe(first.id);
        expect(await store.alarm(9_999)).toBeNull();
      });

      it("clearing alarms by cause clears only those raised for it", async () => {
        const store = await opened();
        const primary = await store.raiseAlarm({
          ...alarm,
          code: "ROUTE_DOWN",
          cause: "L P primary",
          raisedAt: at(0),
        });
        const backup = await store.raiseAlarm({
          ...alarm,
          code: "ROUTE_DOWN",
          cause: "L P backup",
          raisedAt: at(0),
        });
        expect(backup.id).not.toBe(primary.id);
        expect(
          await store.clearAlarms(
            { line: "L", peer: "P", codes: ["ROUTE_DOWN"], cause: "L P backup" },
            at(1),
          ),
        ).toBe(1);
        expect((await store.alarm(primary.id))?.clearedAt).toBeNull();
        expect((await store.alarm(backup.id))?.clearedAt).toBe(at(1));
      });

      it("clearing the station's own alarms (no line, no peer) leaves those about a line alone", async () => {
        const store = await opened();
        const own = await store.raiseAlarm({
          ...alarm,
          code: "DISK_FULL",
          line: null,
          peer: null,
          raisedAt: at(0),
        });
        const onLine = await store.raiseAlarm({ ...alarm, code: "DISK_FULL", raisedAt: at(0) });
        expect(await store.clearAlarms({ line: null, peer: null, codes: ["DISK_FULL"] }, at(1))).toBe(1);
        expect((await store.alarm(own.id))?.clearedAt).toBe(at(1));
        expect((await store.alarm(onLine.id))?.clearedAt).toBeNull();
      });

      it("alarms lists the active and unacknowledged ones newest first, or all", async () => {
        const store = await opened();
        const info = await store.raiseAlarm({
          ...alarm,
          severity: "info",
          entry: "E",
          code: "NOTE",
          raisedAt: at(0),
        });
        const down = await store.raiseAlarm({ ...alarm, raisedAt: at(1) });
        const gone = await store.raiseAlarm({ ...alarm, code: "GONE", raisedAt: at(2) });
        expect((await store.alarms()).map((a) => a.id)).toEqual([gone.id, down.id, info.id]);
        expect(await store.clearAlarms({ line: "L", peer: "P", codes: ["GONE", "NONE"] }, at(3))).toBe(1);
        expect(await store.ackAlarm(gone.id, "alice", at(4))).toBe(true);
        expect(await store.ackAlarm(gone.id, "bob", at(5))).toBe(true);
        expect(await store.alarm(gone.id)).toMatchObject({
          clearedAt: at(3),
          ackedBy: "alice",
          ackedAt: at(4),
        });
        expect(await store.ackAlarm(9_999, "alice", at(5))).toBe(false);
        expect((await store.alarms()).map((a) => a.id)).toEqual([down.id, info.id]);
        expect((await store.alarms({ all: true })).map((a) => a.id)).toEqual([gone.id, down.id, info.id]);
      });

      it("alarms of an entry are found, cleared by entry and peer, escalated and listed while unattended", async () => {
        const store = await opened();
        const base = { ...alarm, code: "UNACKED", entry: "E" };
        const fromP = await store.raiseAlarm({ ...base, raisedAt: at(0) });
        const fromQ = await store.raiseAlarm({ ...base, peer: "Q", raisedAt: at(1) });
        expect(await store.alarmRaised("UNACKED", "E", "P")).toBe(true);
        expect(await store.alarmRaised("UNACKED", "E", null)).toBe(false);
        expect(await store.alarmRaised("OTHER", "E", "P")).toBe(false);
        expect((await store.unattendedAlarms(["UNACKED"])).map((a) => a.id)).toEqual([fromP.id, fromQ.id]);
        expect(await store.escalateAlarm(fromP.id, 1, "supervisor", at(2))).toBe(true);
        expect(await store.alarm(fromP.id)).toMatchObject({
          audience: "supervisor",
          escalation: 1,
          escalatedAt: at(2),
        });
        await store.ackAlarm(fromQ.id, "alice", at(3));
        expect((await store.unattendedAlarms(["UNACKED", "X"])).map((a) => a.id)).toEqual([fromP.id]);
        expect(await store.clearAlarmsOfEntry({ entry: "E", peer: "P", code: "UNACKED" }, at(4))).toBe(1);
        expect(await store.escalateAlarm(fromP.id, 2, "admin", at(5))).toBe(false);
        expect(await store.clearAlarmsOfEntry({ entry: "E", peer: null, code: "UNACKED" }, at(6))).toBe(1);
        expect(await store.unattendedAlarms(["UNACKED"])).toEqual([]);
      });
    });

    describe("hooks, zones and health", () => {
      it("hooks are added, listed oldest first and removed", async () => {
        const store = await opened();
        const command = {
          severity: "warning" as const,
          command: ["notify", "--loud"],
          webhook: null,
          createdBy: "a",
          createdAt: at(0),
        };
        const webhook = {
          severity: "critical",
          command: null,
          webhook: "https://x.example/h",
          createdBy: "a",
          createdAt: at(1),
        } as const;
        const first = await store.addHook(command);
        const second = await store.addHook(webhook);
        expect(await store.hooks()).toEqual([
          { id: first, ...command },
          { id: second, ...webhook },
        ]);
        expect(await store.removeHook(first)).toBe(true);
        expect(await store.removeHook(first)).toBe(false);
        expect((await store.hooks()).map((h) => h.id)).toEqual([second]);
      });

      it("zones are added once per name, listed by name and removed", async () => {
        const store = await opened();
        const zone = {
          name: "north",
          kind: "protected",
          geometry: '{"type":"Polygon","coordinates":[]}',
          minAltitude: null,
          maxAltitude: 3000,
          from: at(0),
          to: null,
          createdBy: "a",
          createdAt: at(0),
        } as const;
        expect(await store.addZone(zone)).toBe(true);
        expect(await store.addZone({ ...zone, kind: "plan" })).toBe(false);
        expect(await store.addZone({ ...zone, name: "alpha", kind: "plan" })).toBe(true);
        expect(await store.zones()).toEqual([{ ...zone, name: "alpha", kind: "plan" }, zone]);
        expect(await store.removeZone("north")).toBe(true);
        expect(await store.removeZone("north")).toBe(false);
      });

      it("routes are kept by priority then name, each name and URL once", async () => {
        const store = await opened();
        const route = {
          name: "satcom",
          url: "https://sat.example:7443",
          priority: 20,
          listen: null,
          createdBy: "admin",
          createdAt: at(0),
        };
        const backup = {
          ...route,
          name: "backup",
          url: "https://10.0.0.2:7443",
          priority: 10,
          listen: "10.0.0.2:7443",
        };
        expect(await store.addRoute(route)).toBe(true);
        expect(await store.addRoute({ ...route, url: "https://other.example:1" })).toBe(false);
        expect(await store.addRoute({ ...route, name: "again" })).toBe(false);
        expect(await store.addRoute(backup)).toBe(true);
        expect(await store.routes()).toEqual([backup, route]);
        expect(await store.removeRoute("satcom")).toBe(true);
        expect(await store.removeRoute("satcom")).toBe(false);
        expect(await store.routes()).toEqual([backup]);
      });

      it("key change acknowledgements are kept once per line, station and key, and listed by line", async () => {
        const store = await opened();
        const ack = { line: "l1", station: "s1", key: "k1", ackedBy: "a", ackedAt: at(0) };
        await store.ackKeyChange(ack);
        await store.ackKeyChange({ ...ack, ackedBy: "b", ackedAt: at(1) });
        await store.ackKeyChange({ ...ack, key: "k2", ackedAt: at(2) });
        await store.ackKeyChange({ ...ack, line: "l2" });
        expect(await store.keyChangeAcks("l1")).toEqual([ack, { ...ack, key: "k2", ackedAt: at(2) }]);
        expect(await store.keyChangeAcks("none")).toEqual([]);
      });

      it("health changes are kept oldest first, by line and peer", async () => {
        const store = await opened();
        const change = (line: string, peer: string, to: string, minute: number) => ({
          line,
          peer,
          from: "ok",
          to,
          at: at(minute),
          lastOkAt: null,
          detail: `${peer} ${to}`,
        });
        await store.addHealthChange(change("L", "P", "down", 0));
        await store.addHealthChange(change("L", "Q", "degraded", 1));
        await store.addHealthChange(change("M", "P", "down", 2));
        expect(await store.healthHistory()).toHaveLength(3);
        expect((await store.healthHistory({ line: "L" })).map((c) => c.peer)).toEqual(["P", "Q"]);
        expect(await store.healthHistory({ line: "L", peer: "Q" })).toEqual([
          change("L", "Q", "degraded", 1),
        ]);
        expect((await store.healthHistory({ peer: "P" })).map((c) => c.line)).toEqual(["L", "M"]);
      });

      it("route changes are kept oldest first, by peer and route, and only the newest of each route", async () => {
        const store = await opened();
        const change = (peer: string, route: string, n: number) => ({
          peer,
          route,
          kind: n % 2 === 0 ? ("health" as const) : ("switch" as const),
          from: n % 2 === 0 ? "up" : null,
          to: n % 2 === 0 ? "down" : route,
          at: at(n),
          detail: `${n}`,
        });
        await store.addRouteChange(change("P", "backup", 0));
        await store.transaction(async (tx) => {
          for (let n = 1; n <= MAX_ROUTE_CHANGES + 5; n++) await tx.addRouteChange(change("P", "primary", n));
        });
        await store.addRouteChange(change("Q", "primary", 1));
        const primary = await store.routeHistory({ peer: "P", route: "primary" });
        // The oldest five went; the other route and the other peer kept theirs.
        expect(primary).toHaveLength(MAX_ROUTE_CHANGES);
        expect(primary[0]).toEqual(change("P", "primary", 6));
        expect(primary.at(-1)).toEqual(change("P", "primary", MAX_ROUTE_CHANGES + 5));
        expect(await store.routeHistory({ peer: "P", route: "backup" })).toEqual([change("P", "backup", 0)]);
        expect(await store.routeHistory({ peer: "Q" })).toEqual([change("Q", "primary", 1)]);
        expect(await store.routeHistory()).toHaveLength(MAX_ROUTE_CHANGES + 2);
      });
    });

    describe("operators and sessions", () => {
      const alice = {
        name: "alice",
        role: "admin",
        passwordHash: "h1",
        disabled: false,
        createdAt: at(0),
      } as const;

      it("operators are added once per name, changed, and their language kept", async () => {
        const store = await opened();
        await store.addOperator(alice);
        await store.addOperator({ ...alice, name: "bob", role: "officer", createdAt: at(1) });
        await expect(store.addOperator(alice)).rejects.toMatchObject({ code: "OPERATOR_EXISTS" });
        expect(await store.operator("alice")).toEqual(alice);
        expect(await store.operator("nobody")).toBeNull();
        expect((await store.operators()).map((o) => o.name)).toEqual(["alice", "bob"]);
        expect(await store.setOperatorPassword("alice", "h2")).toBe(true);
        expect(await store.setOperatorDisabled("bob", true)).toBe(true);
        expect(await store.setOperatorDisabled("nobody", true)).toBe(false);
        expect(await store.setOperatorPassword("nobody", "x")).toBe(false);
        expect(await store.operator("alice")).toMatchObject({ passwordHash: "h2" });
        expect(await store.operator("bob")).toMatchObject({ disabled: true });
        expect(await store.operatorLang("alice")).toBeNull();
        expect(await store.setOperatorLang("alice", "ru")).toBe(true);
        expect(await store.setOperatorLang("nobody", "ru")).toBe(false);
        expect(await store.operatorLang("alice")).toBe("ru");
      });

      it("a session lasts until it expires, is deleted, or its operator's sessions end", async () => {
        const store = await opened();
        await store.addOperator(alice);
        const session = (idHash: string, created: number, expires: number) => ({
          idHash,
          operator: "alice",
          csrf: `csrf-${idHash}`,
          createdAt: at(created),
          expiresAt: at(expires),
        });
        await store.addSession(session("s1", 0, 10));
        await store.addSession(session("s2", 0, 30));
        expect(await store.session("s1", at(5))).toEqual(session("s1", 0, 10));
        expect(await store.session("s1", at(10))).toBeNull();
        await store.deleteSession("s2");
        expect(await store.session("s2", at(5))).toBeNull();
        await store.addSession(session("s3", 20, 40));
        await store.addSession(session("s4", 20, 40));
        expect(await store.deleteSessionsOf("alice")).toBe(2);
        expect(await store.session("s3", at(21))).toBeNull();
      });

      it("a second factor is confirmed once, its steps and recovery codes are each used once", async () => {
        const store = await opened();
        await store.addOperator(alice);
        expect(await store.secondFactor("alice")).toBeNull();
        await store.startSecondFactor({
          operator: "alice",
          sealedSecret: "sealed",
          createdAt: at(0),
          lastStep: 0,
        });
        expect(await store.secondFactor("alice")).toEqual({
          operator: "alice",
          sealedSecret: "sealed",
          createdAt: at(0),
          confirmedAt: null,
          lastStep: 0,
        });
        expect(await store.confirmSecondFactor("alice", 100, ["r1", "r2"], at(1))).toBe(true);
        expect(await store.confirmSecondFactor("alice", 101, ["r3"], at(1))).toBe(false);
        expect(await store.secondFactor("alice")).toMatchObject({ confirmedAt: at(1), lastStep: 100 });
        expect(await store.useTotpStep("alice", 100)).toBe(false);
        expect(await store.useTotpStep("alice", 99)).toBe(false);
        expect(await store.useTotpStep("alice", 101)).toBe(true);
        expect(await store.recoveryCodesLeft("alice")).toBe(2);
        expect(await store.useRecoveryCode("alice", "r1", at(2))).toBe(true);
        expect(await store.useRecoveryCode("alice", "r1", at(3))).toBe(false);
        expect(await store.useRecoveryCode("alice", "r3", at(3))).toBe(false);
        expect(await store.recoveryCodesLeft("alice")).toBe(1);
        expect(await store.deleteSecondFactor("alice")).toBe(true);
        expect(await store.deleteSecondFactor("alice")).toBe(false);
        expect(await store.secondFactor("alice")).toBeNull();
        expect(await store.recoveryCodesLeft("alice")).toBe(0);
      });

      it("the audit log is read newest first, by time and operator, and is bounded in age", async () => {
        const store = await opened();
        const row = (minutes: number, operator: string | null) => ({
          at: at(minutes),
          operator,
          action: "POST /api/lines",
          object: null,
          outcome: "allowed" as const,
          code: null,
          origin: "local",
          via: "token",
          secondFactor: null,
        });
        await store.addAudit(row(0, "alice"));
        await store.addAudit(row(1, "bob"));
        await store.addAudit(row(2, null));
        expect((await store.audit()).map((r) => r.at)).toEqual([at(2), at(1), at(0)]);
        expect((await store.audit({ operator: "alice" })).map((r) => r.operator)).toEqual(["alice"]);
        expect((await store.audit({ since: at(1) })).length).toBe(2);
        expect((await store.audit({ limit: 1 }))[0]).toMatchObject({ at: at(2), operator: null });
        // A row added more than a year after the first prunes it.
        await store.addAudit(row(367 * 24 * 60, "alice"));
        expect((await store.audit()).map((r) => r.at)).toEqual([at(367 * 24 * 60)]);
      });
    });

    describe("transactions", () => {
      it("a transaction's reads see its own writes, and its writes are kept together when it returns", async () => {
        const store = await opened();
        const { moscow, line, entries } = aLine();
        const result = await store.transaction(async (tx) => {
          await tx.appendEntries(entries.slice(0, 3), T0);
          const head = await tx.head(line, moscow.id);
          await tx.appendEntries(entries.slice(3), T0);
          await tx.raiseAlarm({
            ...{ code: "X", severity: "info", line, peer: null, entry: null, detail: "d" },
            raisedAt: T0,
          });
          return head?.seq;
        });
        expect(result).toBe(2);
        expect(await store.countEntries()).toBe(5);
        expect(await store.alarms({ all: true })).toHaveLength(1);
      });

      it("a throw inside a transaction keeps none of its writes and is thrown again", async () => {
        const store = await opened();
        const { line, entries } = aLine();
        await store.appendEntries(entries.slice(0, 2), T0);
        const refusal = new HotlineError("BAD_INPUT", "Cannot go on: test");
        await expect(
          store.transaction(async (tx) => {
            await tx.appendEntries(entries.slice(2), T0);
            await tx.addOperator({
              name: "alice",
              role: "admin",
              passwordHash: "h",
              disabled: false,
              createdAt: T0,
            });
            await tx.addStatement({ line, station: "W", time: T0, heads: "{}", bytes: Buffer.from("") }, T0);
            expect(await tx.countEntries()).toBe(5);
            throw refusal;
          }),
        ).rejects.toBe(refusal);
        expect(await store.countEntries()).toBe(2);
        expect(await store.operator("alice")).toBeNull();
        expect(await store.latestStatements(line)).toEqual([]);
        // and the store goes on working
        await store.appendEntries(entries.slice(2), T0);
        expect(await store.countEntries()).toBe(5);
      });

      it("a read outside a transaction does not see its writes until it commits", async () => {
        const store = await opened();
        const { line, entries } = aLine();
        let release = (): void => undefined;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let written = (): void => undefined;
        const wrote = new Promise<void>((resolve) => (written = resolve));
        const running = store.transaction(async (tx) => {
          await tx.appendEntries(entries, T0);
          written();
          await gate;
        });
        await wrote;
        expect(await store.countEntries()).toBe(0);
        expect(await store.line(line)).toBeNull();
        release();
        await running;
        expect(await store.countEntries()).toBe(5);
      });

      it("concurrent transactions and writes run one at a time, in the order asked", async () => {
        const store = await opened();
        const order: string[] = [];
        const slow = async (name: string): Promise<void> => {
          await store.transaction(async (tx) => {
            order.push(`${name} begins`);
            const before = (await tx.operators()).length;
            await new Promise((resolve) => setImmediate(resolve));
            await tx.addOperator({
              name,
              role: "officer",
              passwordHash: `${before}`,
              disabled: false,
              createdAt: T0,
            });
            order.push(`${name} ends`);
          });
        };
        await Promise.all([
          slow("a"),
          slow("b"),
          store
            .addHealthChange({
              line: "L",
              peer: "P",
              from: "ok",
              to: "down",
              at: T0,
              lastOkAt: null,
              detail: "",
            })
            .then(() => {
              order.push("write");
            }),
          slow("c"),
        ]);
        expect(order).toEqual(["a begins", "a ends", "b begins", "b ends", "write", "c begins", "c ends"]);
        // each saw what the one before it committed
        expect((await store.operators()).map((o) => [o.name, o.passwordHash])).toEqual([
          ["a", "0"],
          ["b", "1"],
          ["c", "2"],
        ]);
      });

      it("writing through the store instead of tx inside a transaction is refused, not a deadlock", async () => {
        const store = await opened();
        await expect(
          store.transaction(async () => {
            await store.addHealthChange({
              line: "L",
              peer: "P",
              from: "ok",
              to: "down",
              at: T0,
              lastOkAt: null,
              detail: "",
            });
          }),
        ).rejects.toMatchObject({ code: "INTERNAL" });
        await expect(store.transaction(() => store.transaction(async () => 1))).rejects.toMatchObject({
          code: "INTERNAL",
        });
        expect(await store.healthHistory()).toEqual([]);
      });

      it("a transaction's tx cannot be used after it ended", async () => {
        const store = await opened();
        let kept: Parameters<Parameters<Store["transaction"]>[0]>[0] | undefined;
        await store.transaction(async (tx) => {
          kept = tx;
          await tx.countEntries();
        });
        await expect(kept?.countEntries()).rejects.toMatchObject({ code: "INTERNAL" });
      });
    });

    describe("the lease and fencing", () => {
      const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
      const alarm = {
        code: "X",
        severity: "info",
        line: null,
        peer: null,
        entry: null,
        detail: "d",
      } as const;

      it("one holder at a time: the next takes it only once it is released, each with the next epoch", async () => {
        const dir = newDir();
        const a = await opened(dir);
        const b = await opened(dir);
        expect(await a.lease()).toBeNull();
        const first = await a.acquireLease("host-a", 60_000);
        expect(first).toMatchObject({ holder: "host-a", epoch: 1 });
        expect(Date.parse(first?.expiresAt ?? "")).toBeGreaterThan(Date.now() + 50_000);
        expect(await b.acquireLease("host-b", 60_000)).toBeNull();
        expect(await b.lease()).toMatchObject({ holder: "host-a", epoch: 1 });
        expect(await a.renewLease(1, 60_000)).toMatchObject({ holder: "host-a", epoch: 1 });
        await a.releaseLease(1);
        expect(await b.acquireLease("host-b", 60_000)).toMatchObject({ holder: "host-b", epoch: 2 });
        // The old holder's renewal finds the lease taken.
        expect(await a.renewLease(1, 60_000)).toBeNull();
        expect(await a.lease()).toMatchObject({ holder: "host-b", epoch: 2 });
      });

      it("a lapsed lease is taken over; one not taken is still its holder's to renew", async () => {
        const dir = newDir();
        const a = await opened(dir);
        const b = await opened(dir);
        await a.acquireLease("host-a", 50);
        await sleep(120);
        expect(await a.renewLease(1, 50)).toMatchObject({ epoch: 1 });
        await sleep(120);
        expect(await b.acquireLease("host-b", 60_000)).toMatchObject({ holder: "host-b", epoch: 2 });
        expect(await a.renewLease(1, 60_000)).toBeNull();
      });

      it("a fenced store writes nothing once another took the lease: every write and transaction is FENCED", async () => {
        const dir = newDir();
        const a = await opened(dir);
        const b = await opened(dir);
        const { line, entries } = aLine();
        const lease = await a.acquireLease("host-a", 60_000);
        a.fence(lease?.epoch ?? null);
        await a.appendEntries(entries.slice(0, 2), T0);
        await a.transaction(async (tx) => {
          await tx.appendEntries(entries.slice(2, 3), T0);
        });
        await a.releaseLease(1);
        const taken = await b.acquireLease("host-b", 60_000);
        b.fence(taken?.epoch ?? null);
        await expect(a.appendEntries(entries.slice(3), T0)).rejects.toMatchObject({ code: "FENCED" });
        await expect(a.raiseAlarm({ ...alarm, raisedAt: T0 })).rejects.toMatchObject({ code: "FENCED" });
        await expect(
          a.transaction(async (tx) => {
            await tx.appendEntries(entries.slice(3), T0);
          }),
        ).rejects.toMatchObject({ code: "FENCED" });
        expect(await b.countEntries()).toBe(3);
        expect(await b.alarms()).toEqual([]);
        // The new holder writes; an unfenced store (one process alone) is never checked.
        await b.appendEntries(entries.slice(3, 4), T0);
        a.fence(null);
        await a.appendEntries(entries.slice(4), T0);
        expect((await b.entries(line)).map((e) => e.seq)).toHaveLength(5);
      });
    });

    describe("crash-safety of a batch", () => {
      /** Runs the crash child until it prints `until`, kills it with SIGKILL, and reopens its store. */
      async function killedAt(mode: "hang" | "stop", until: string): Promise<Store> {
        const dir = newDir();
        const [command, ...args] = options.crashChild;
        if (command === undefined) throw new Error("no crash child");
        const child = spawn(command, [...args, dir, mode], { stdio: ["ignore", "pipe", "inherit"] });
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
          child.on("exit", (_, signal) => resolve(signal)),
        );
        const lines = createInterface({ input: child.stdout });
        for await (const line of lines) {
          if (line === until) break;
        }
        child.kill("SIGKILL");
        expect(await exited).toBe("SIGKILL");
        return opened(dir);
      }

      it("a batch killed mid-way inside its transaction is not there at all after reopening, and the chain is intact", async () => {
        const store = await killedAt("hang", "mid");
        const all = await collect(store.allEntries());
        expect(all).toHaveLength(1 + CRASH_BATCH);
        expect(checkRecord(all)).toEqual([]);
      });

      it("a batch killed after its commit is all there after reopening, and the chain is intact", async () => {
        const store = await killedAt("stop", `committed ${1 + CRASH_BATCH}`);
        const all = await collect(store.allEntries());
        expect(all).toHaveLength(1 + CRASH_BATCH);
        expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 1 + CRASH_BATCH }, (_, i) => i + 1));
        expect(checkRecord(all)).toEqual([]);
      });
    });
  });
}
