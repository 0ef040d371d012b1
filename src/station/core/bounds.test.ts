import { sign } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import {
  HotlineError,
  MIN_ACK_DEADLINE,
  MIN_PRESENCE_DEADLINE,
  signEntry,
  signingBytes,
  signStatement,
  type Entry,
  type UnsignedEntry,
} from "../../record/mod.js";
import { MAX_EVIDENCE_PER_AUTHOR } from "../../store/mod.js";
import { catchUp } from "../delivery/catch-up.js";
import { HookRunner } from "../attention/hook-runner.js";
import { addHook } from "../attention/hooks.js";
import type { Station } from "./station.js";
import type { PeerTransport } from "../delivery/transport.js";

/**
 * What a paired peer can make a station do is bounded: settings that cause work at the other end
 * have floors every station enforces alike, an alarm is raised once per cause and counted after,
 * and evidence is capped.
 */
describe("bounded work a peer can cause", () => {
  const pairs: InProcessPair[] = [];
  const runners: HookRunner[] = [];
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    for (const p of pairs.splice(0)) await p.close();
  });

  async function pair(): Promise<InProcessPair> {
    const p = await inProcessPair("2026-11-23T05:59:58.000Z");
    pairs.push(p);
    return p;
  }

  async function refusal(fn: () => unknown): Promise<HotlineError> {
    try {
      await fn();
    } catch (error) {
      if (error instanceof HotlineError) return error;
      throw error;
    }
    throw new Error("expected a refusal");
  }

  /** A station's hooks, calling a fake webhook: the calls it got, and a way to wait for them. */
  async function webhookCalls(station: Station) {
    await addHook(station, { severity: "info", webhook: "http://127.0.0.1:9/hook" }, { by: "admin" });
    const calls: { code: string; count: number }[] = [];
    const runner = new HookRunner(station, {
      fetch: (_url, init) => {
        const notice = JSON.parse(typeof init?.body === "string" ? init.body : "{}") as {
          alarm: { code: string; count: number };
        };
        calls.push({ code: notice.alarm.code, count: notice.alarm.count });
        return Promise.resolve(new Response("", { status: 200 }));
      },
    });
    runners.push(runner);
    runner.start();
    return { calls, idle: () => runner.idle() };
  }

  /**
   * @returns Moscow's newest entry, re-signed by hand with another body: what a hostile Moscow
   * could send, as signEntry() refuses to sign what the schema refuses
   */
  async function forgedLike(moscow: Station, line: string, body: Record<string, unknown>): Promise<Entry> {
    const newest = (await moscow.store.entries(line)).filter((e) => e.author === moscow.id).at(-1);
    const { sig: _sig, ...unsigned } = JSON.parse(newest?.bytes.toString("utf8") ?? "") as Entry;
    const changed = { ...unsigned, body } as UnsignedEntry;
    const sig = sign(null, signingBytes(changed), moscow.identity.privateKey).toString("base64url");
    return { ...changed, sig };
  }

  describe("settings floors, a rule of the record", () => {
    it("setLine() refuses a presence schedule more often than every 15 minutes with SCHEMA, saying so", async () => {
      const { washington, line } = await pair();
      for (const schedule of ["* * * * * *", "*/10 * * * * *", "* * * * *", "*/14 * * * *", "0,10 6 * * *"]) {
        const error = await refusal(
          async () => await washington.setLine({ line, presenceSchedule: schedule, operator: "admin" }),
        );
        expect(error.code).toBe("SCHEMA");
        expect(error.message).toMatch(
          /presenceSchedule: must leave at least 15 minutes between presence tests/,
        );
      }
      // Day boundaries count too: 23:55 and then 00:05 the next day are ten minutes apart.
      expect(
        (
          await refusal(
            async () =>
              await washington.setLine({ line, presenceSchedule: "5,55 0,23 * * *", operator: "admin" }),
          )
        ).code,
      ).toBe("SCHEMA");
      expect((await washington.settings(line)).presenceSchedule).toBe("0 6,18 * * *");
    });

    it("setLine() takes schedules 15 minutes apart or more, and a one-off slot (once a year)", async () => {
      const { washington, line } = await pair();
      for (const schedule of ["*/15 * * * *", "0 * * * *", "0 6,18 * * *", "12 34 5 17 10 *", "0 0 29 2 *"]) {
        await washington.setLine({ line, presenceSchedule: schedule, operator: "admin" });
        expect((await washington.settings(line)).presenceSchedule).toBe(schedule);
      }
    });

    it(`setLine() refuses a presence deadline under ${MIN_PRESENCE_DEADLINE} s or an ack deadline under ${MIN_ACK_DEADLINE} s with SCHEMA`, async () => {
      const { washington, line } = await pair();
      expect(
        (
          await refusal(
            async () => await washington.setLine({ line, presenceDeadline: 1, operator: "admin" }),
          )
        ).code,
      ).toBe("SCHEMA");
      expect(
        (
          await refusal(
            async () => await washington.setLine({ line, presenceDeadline: 59, operator: "admin" }),
          )
        ).code,
      ).toBe("SCHEMA");
      const flash = await refusal(
        async () => await washington.setLine({ line, ackDeadlines: { FLASH: 3 }, operator: "admin" }),
      );
      expect(flash.code).toBe("SCHEMA");
      expect(flash.message).toMatch(/ackDeadlines\.FLASH/);
      await washington.setLine({
        line,
        presenceDeadline: 60,
        ackDeadlines: { FLASH: 30 },
        operator: "admin",
      });
      expect(await washington.settings(line)).toMatchObject({
        presenceDeadline: 60,
        ackDeadlines: { FLASH: 30 },
      });
    });

    it("receive() refuses with SCHEMA a settings entry signed by hand asking for a test every second with a 1 s deadline; nothing is stored", async () => {
      const { washington, moscow, line, deliver } = await pair();
      await moscow.setLine({ line, presenceDeadline: 600, operator: "admin" }); // an envelope to copy, kept from Washington
      const before = (await washington.store.entries(line)).length;
      for (const body of [
        { presenceSchedule: "* * * * * *", presenceDeadline: 1, operator: "admin" },
        { presenceSchedule: "* * * * * *", operator: "admin" },
        { presenceDeadline: 1, operator: "admin" },
        { ackDeadlines: { FLASH: 1 }, operator: "admin" },
      ]) {
        const result = await washington.receive([forgedLike(moscow, line, body)]);
        expect(result.refused?.code).toBe("SCHEMA");
        expect(result.applied).toEqual([]);
      }
      expect(await washington.store.entries(line)).toHaveLength(before);
      expect(await washington.settings(line)).toMatchObject({
        presenceSchedule: "0 6,18 * * *",
        presenceDeadline: 600,
      });
      await deliver(moscow, washington); // the honest entry still goes through
      expect(await washington.store.entries(line)).toHaveLength(before + 1);
    });
  });

  describe("one alarm per cause, capped evidence", () => {
    it("100 equivocating entries from Moscow: one EQUIVOCATION alarm counted 100, at most 16 evidence rows, the hooks called once", async () => {
      const { washington, moscow, line, deliver } = await pair();
      await moscow.send({ line, text: "Held", precedence: "ROUTINE", operator: "admin" });
      await deliver(moscow, washington);
      const hooks = await webhookCalls(washington);
      const held = JSON.parse(
        (await moscow.store.entries(line))
          .filter((e) => e.author === moscow.id)
          .at(-1)
          ?.bytes.toString("utf8") ?? "",
      ) as Entry;
      const { sig: _sig, ...unsigned } = held;
      for (let i = 0; i < 100; i++) {
        const forged = signEntry(
          { ...unsigned, body: { ...held.body, text: `Forged ${i}` } } as UnsignedEntry,
          moscow.identity,
        );
        const result = await washington.receive([JSON.parse(forged.bytes.toString("utf8"))]);
        expect(result.refused?.code).toBe("EQUIVOCATION");
      }
      await hooks.idle();

      const alarms = (await washington.store.alarms()).filter((a) => a.code === "EQUIVOCATION");
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({ severity: "critical", line, peer: moscow.id, count: 100 });
      expect(await washington.store.evidence(line)).toHaveLength(MAX_EVIDENCE_PER_AUTHOR);
      expect((await washington.store.evidence(line))[0]?.otherBytes?.toString("utf8")).toContain("Forged 0");
      expect(await washington.store.droppedEvidence(line, moscow.id)).toBe(100 - MAX_EVIDENCE_PER_AUTHOR);
      expect(hooks.calls).toEqual([{ code: "EQUIVOCATION", count: 1 }]);
    });

    it("the same DIVERGENCE found on 10 comparisons is one alarm counted 10, with one evidence row", async () => {
      const { washington, moscow, line, deliver } = await pair();
      await moscow.send({ line, text: "Held", precedence: "ROUTINE", operator: "admin" });
      await deliver(moscow, washington);
      const hooks = await webhookCalls(washington);
      const mine = await washington.store.head(line, moscow.id);
      // Moscow says it holds another entry at a seq of its chain that Washington holds.
      const lying: PeerTransport = {
        pair: () => Promise.reject(new Error("not used")),
        push: () => Promise.reject(new Error("not used")),
        entries: () => Promise.resolve([]),
        statementOf: () => Promise.resolve(null),
        heads: () =>
          Promise.resolve(
            signStatement(
              {
                v: 1,
                type: "heads",
                line,
                station: moscow.id,
                time: new Date(washington.clock.now()).toISOString(),
                heads: { [moscow.id]: { seq: mine?.seq ?? 0, hash: "f".repeat(64) } },
              },
              moscow.identity,
            ),
          ),
      };
      const target = { station: moscow.id, url: "https://moscow.example:7443", cert: "sha256:x" };
      for (let i = 0; i < 10; i++) {
        expect((await catchUp(washington, lying, target, line)).diverged).toEqual([moscow.id]);
      }
      await hooks.idle();
      const alarms = (await washington.store.alarms()).filter((a) => a.code === "DIVERGENCE");
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({ line, peer: moscow.id, count: 10, severity: "critical" });
      expect((await washington.store.evidence(line)).filter((e) => e.code === "DIVERGENCE")).toHaveLength(1);
      expect(hooks.calls).toEqual([{ code: "DIVERGENCE", count: 1 }]);
    });

    it("a repeat of an acknowledged alarm reopens it unacknowledged, once, calling the hooks again; once cleared, the same cause is a new alarm", async () => {
      const { washington, moscow, line, at } = await pair();
      const hooks = await webhookCalls(washington);
      const down = { code: "LINK_DOWN", severity: "critical", line, peer: moscow.id, entry: null } as const;
      const id = await washington.raiseAlarm({ ...down, detail: "Moscow down" });
      at("2026-11-23T06:00:00.000Z");
      expect(await washington.raiseAlarm({ ...down, detail: "Moscow still down" })).toBe(id);
      expect(await washington.store.alarm(id)).toMatchObject({
        count: 2,
        raisedAt: "2026-11-23T05:59:58.000Z",
        lastRaisedAt: "2026-11-23T06:00:00.000Z",
        detail: "Moscow down",
      });
      await washington.store.ackAlarm(id, "admin", "2026-11-23T06:00:01.000Z");
      expect(await washington.raiseAlarm({ ...down, detail: "again" })).toBe(id);
      expect(await washington.raiseAlarm({ ...down, detail: "and again" })).toBe(id);
      expect(await washington.store.alarm(id)).toMatchObject({ count: 4, ackedBy: null, ackedAt: null });
      // Another peer, another cause.
      expect(await washington.raiseAlarm({ ...down, peer: washington.id, detail: "self" })).not.toBe(id);

      await washington.store.clearAlarms(
        { line, peer: moscow.id, codes: ["LINK_DOWN"] },
        "2026-11-23T06:01:00.000Z",
      );
      const next = await washington.raiseAlarm({ ...down, detail: "down again" });
      expect(next).not.toBe(id);
      expect((await washington.store.alarm(next))?.count).toBe(1);
      await hooks.idle();
      // raised, reopened, the other peer's, the new one: never a plain repeat
      expect(hooks.calls.map((c) => c.count)).toEqual([1, 3, 1, 1]);
    });
  });
});
