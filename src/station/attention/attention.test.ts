import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { HotlineError } from "../../record/mod.js";
import { DeadlineWatch, ackEntry } from "./acks.js";
import { PresenceTests } from "./presence.js";
import type { Station } from "../core/station.js";
import { logOf } from "../thread/log.js";

/**
 * Human attention with a fake clock: presence tests on schedule, acknowledgement deadlines,
 * NO_ANSWER at both ends, escalation along the line's chain — exact to the millisecond, no waiting.
 */
describe("presence tests, deadlines and escalation", () => {
  const pairs: InProcessPair[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) c();
    for (const p of pairs.splice(0)) await p.close();
  });
  let at: (iso: string) => void = () => undefined;

  /** Washington and Moscow on one line, each with its deadline watch; `deliver` copies what is new. */
  async function pair() {
    const p = await inProcessPair("2026-11-23T05:59:58.000Z");
    pairs.push(p);
    at = p.at;
    const { washington, moscow, line, deliver } = p;
    const watches = [washington, moscow].map((s) => new DeadlineWatch(s, { maxSleepMs: 3_600_000 }));
    for (const w of watches) {
      await w.start();
      cleanups.push(() => w.stop());
    }
    const check = async () => {
      for (const w of watches) await w.check();
    };
    const open = async (s: Station, code: string) => {
      // the watches hear of entries as they are stored, and deal with them in turn
      for (const w of watches) await w.settled();
      return (await s.store.alarms()).filter((a) => a.code === code && a.clearedAt === null);
    };
    return { washington, moscow, line, deliver, check, open, watches };
  }

  it("sends a presence test at each slot of the line's schedule, once, and none on a suspended line", async () => {
    const { washington, line } = await pair();
    const presence = new PresenceTests(washington, { maxSleepMs: 3_600_000 });
    presence.start();
    cleanups.push(() => presence.stop());
    expect(await presence.check()).toEqual([]);
    at("2026-11-23T06:00:00.400Z");
    const sent = await presence.check();
    expect(sent.map((s) => s.slot)).toEqual(["2026-11-23T06:00:00.000Z"]);
    expect(await presence.check()).toEqual([]);

    // A restart just before the slot, looking again: the test of 06:00 is not sent twice.
    const again = new PresenceTests(washington);
    at("2026-11-23T05:59:59.000Z");
    again.start();
    again.stop();
    at("2026-11-23T06:00:01.000Z");
    expect(await again.check()).toEqual([]);

    const tests = await washington.store.entriesOfKind(line, "test");
    expect(tests).toHaveLength(1);
    expect((JSON.parse(tests[0]?.bytes.toString("utf8") ?? "") as { body: unknown }).body).toEqual({
      slot: "2026-11-23T06:00:00.000Z",
    });

    await washington.setLine({ line, presenceSchedule: "*/15 * * * *", operator: "admin" });
    at("2026-11-23T06:15:00.100Z");
    expect((await presence.check()).map((s) => s.slot)).toEqual(["2026-11-23T06:15:00.000Z"]);
    await washington.suspendLine({ line, suspend: true, reason: "maintenance", operator: "admin" });
    at("2026-11-23T06:30:00.100Z");
    expect(await presence.check()).toEqual([]);
  });

  it("the presence tests' own timer sends the test at its slot, not a millisecond before", async () => {
    const p = await inProcessPair("2026-11-23T05:59:58.000Z");
    pairs.push(p);
    const { washington, line, clock } = p;
    const presence = new PresenceTests(washington); // sleeps until the slot, on the station's clock
    presence.start();
    cleanups.push(() => presence.stop());
    await clock.advance(1_999);
    expect(await washington.store.entriesOfKind(line, "test")).toEqual([]);
    await clock.advance(1);
    expect(await washington.store.entriesOfKind(line, "test")).toMatchObject([
      { author: washington.id, time: "2026-11-23T06:00:00.000Z" },
    ]);
    await clock.advance(60_000);
    expect(await washington.store.entriesOfKind(line, "test")).toHaveLength(1);
  });

  it("a presence test asks the other side at once; unanswered at its deadline it is NO_ANSWER at both ends", async () => {
    const { washington, moscow, line, deliver, check, open } = await pair();
    const presence = new PresenceTests(washington);
    presence.start();
    presence.stop();
    at("2026-11-23T06:00:00.000Z");
    const [sent] = await presence.check();
    await deliver(washington, moscow);
    expect(await open(moscow, "PRESENCE_TEST")).toMatchObject([
      { severity: "warning", peer: washington.id, entry: sent?.hash, audience: "officer" },
    ]);

    at("2026-11-23T06:09:59.999Z");
    await check();
    expect(await open(moscow, "NO_ANSWER")).toEqual([]);
    expect(await open(washington, "NO_ANSWER")).toEqual([]);
    expect((await logOf(washington, line)).find((e) => e.kind === "test")?.ackStates).toEqual({
      [moscow.id]: "pending",
    });

    at("2026-11-23T06:10:00.000Z");
    await check();
    expect(await open(washington, "NO_ANSWER")).toMatchObject([{ severity: "critical", peer: moscow.id }]);
    expect(await open(moscow, "NO_ANSWER")).toMatchObject([{ severity: "critical", peer: washington.id }]);
    expect(await open(moscow, "PRESENCE_TEST")).toEqual([]);
    expect((await logOf(washington, line)).find((e) => e.kind === "test")?.ackStates).toEqual({
      [moscow.id]: "overdue",
    });

    // Late, but answered: both ends clear.
    at("2026-11-23T06:12:00.000Z");
    await ackEntry(moscow, { entry: sent?.hash ?? "", operator: "admin" });
    expect(await open(moscow, "NO_ANSWER")).toEqual([]);
    await deliver(moscow, washington);
    expect(await open(washington, "NO_ANSWER")).toEqual([]);
    const logged = (await logOf(washington, line)).find((e) => e.kind === "test");
    expect(logged?.ackStates).toEqual({ [moscow.id]: "acked" });
    expect(logged?.acks[moscow.id]).toEqual({ by: "admin", time: "2026-11-23T06:12:00.000Z" });
  });

  it("the presence test's alarm is gone when the operator's ack returns, not a moment later", async () => {
    const { washington, moscow, deliver, open, watches } = await pair();
    at("2026-11-23T06:00:00.000Z");
    const [sent] = await new PresenceTests(washington).check();
    await deliver(washington, moscow);
    expect(await open(moscow, "PRESENCE_TEST")).toHaveLength(1);
    // Moscow's watch hears of its own ack only later (on PostgreSQL, after `hotline ack` answered):
    // here, not at all.
    watches[1]?.stop();
    await ackEntry(moscow, { entry: sent?.hash ?? "", operator: "admin" });
    const stillOpen = (await moscow.store.alarms()).filter(
      (a) => a.code === "PRESENCE_TEST" && a.clearedAt === null,
    );
    expect(stillOpen).toEqual([]);
  });

  it("answered in time: no alarm at either end", async () => {
    const { washington, moscow, deliver, check, open } = await pair();
    at("2026-11-23T06:00:00.000Z");
    const sent = await washington.send({
      line: (await washington.store.lines())[0]?.id ?? "",
      text: "Test",
      precedence: "FLASH",
      operator: "admin",
    });
    await deliver(washington, moscow);
    at("2026-11-23T06:01:00.000Z");
    await ackEntry(moscow, { entry: sent.hash, operator: "admin" });
    await deliver(moscow, washington);
    at("2026-11-23T06:30:00.000Z");
    await check();
    for (const s of [washington, moscow]) {
      expect(await open(s, "ACK_OVERDUE")).toEqual([]);
      expect(await open(s, "ACK_REMINDER")).toEqual([]);
    }
  });

  it("an unanswered FLASH escalates officer → supervisor → admin at 1×, 2×, 3× its deadline, at both ends", async () => {
    const { washington, moscow, line, deliver, check, open } = await pair();
    at("2026-11-23T06:00:00.000Z");
    await washington.send({ line, text: "Incoming flight", precedence: "FLASH", operator: "admin" });
    await deliver(washington, moscow);
    const audience = async (s: Station, code: string) =>
      (await open(s, code)).map((a) => [a.audience, a.escalation]);

    at("2026-11-23T06:02:00.000Z"); // FLASH: 2 minutes
    await check();
    expect(await audience(washington, "ACK_OVERDUE")).toEqual([["officer", 0]]);
    expect(await audience(moscow, "ACK_REMINDER")).toEqual([["officer", 0]]);
    expect((await open(washington, "ACK_OVERDUE"))[0]?.severity).toBe("critical");

    at("2026-11-23T06:03:59.999Z");
    await check();
    expect(await audience(washington, "ACK_OVERDUE")).toEqual([["officer", 0]]);
    at("2026-11-23T06:04:00.000Z");
    await check();
    expect(await audience(washington, "ACK_OVERDUE")).toEqual([["supervisor", 1]]);
    expect(await audience(moscow, "ACK_REMINDER")).toEqual([["supervisor", 1]]);

    // Someone at Moscow takes it (acknowledges the alarm): it stops climbing there.
    const reminder = (await open(moscow, "ACK_REMINDER"))[0];
    await moscow.store.ackAlarm(reminder?.id ?? 0, "ivanov", "2026-11-23T06:05:00.000Z");
    at("2026-11-23T06:06:00.000Z");
    await check();
    expect(await audience(washington, "ACK_OVERDUE")).toEqual([["admin", 2]]);
    expect(await moscow.store.alarm(reminder?.id ?? 0)).toMatchObject({
      audience: "supervisor",
      escalation: 1,
    });

    at("2026-11-23T07:00:00.000Z");
    await check();
    expect(await audience(washington, "ACK_OVERDUE")).toEqual([["admin", 2]]); // the end of the chain
  });

  it("the deadline watch raises ACK_OVERDUE by its own timer at the deadline, not a millisecond before", async () => {
    const p = await inProcessPair("2026-11-23T06:00:00.000Z");
    pairs.push(p);
    const { washington, moscow, line, clock, deliver } = p;
    const watch = new DeadlineWatch(washington); // sleeps until the deadline, on the station's clock
    await watch.start();
    cleanups.push(() => watch.stop());
    await washington.send({ line, text: "Incoming flight", precedence: "FLASH", operator: "admin" });
    await deliver(washington, moscow);
    const overdue = async () => (await washington.store.alarms()).filter((a) => a.code === "ACK_OVERDUE");

    await clock.advance(2 * 60_000 - 1); // FLASH: 2 minutes
    expect(await overdue()).toEqual([]);
    expect(watch.waiting).toBe(1);
    await clock.advance(1);
    expect(await overdue()).toMatchObject([{ severity: "critical", raisedAt: "2026-11-23T06:02:00.000Z" }]);
    expect(watch.waiting).toBe(0);
  });

  it("the chain and the presence deadline are line settings; bad ones are refused", async () => {
    const { washington, moscow, line, deliver, check, open } = await pair();
    await washington.setLine({
      line,
      escalation: ["supervisor", "admin"],
      presenceDeadline: 60,
      operator: "admin",
    });
    await deliver(washington, moscow);
    expect(await moscow.settings(line)).toMatchObject({
      escalation: ["supervisor", "admin"],
      presenceDeadline: 60,
    });

    at("2026-11-23T06:00:00.000Z");
    await washington.send({ line, text: "Status?", precedence: "IMMEDIATE", operator: "admin" });
    at("2026-11-23T06:10:00.000Z");
    await check();
    expect((await open(washington, "ACK_OVERDUE")).map((a) => a.audience)).toEqual(["supervisor"]);
    expect((await open(washington, "ACK_OVERDUE"))[0]?.severity).toBe("warning");

    for (const bad of [
      { presenceSchedule: "61 * * * *" },
      { presenceSchedule: "every morning" },
      { escalation: ["officer", "officer"] },
      { escalation: ["janitor"] },
      { presenceDeadline: 0 },
    ]) {
      const attempt = async () => await washington.setLine({ line, ...bad, operator: "admin" } as never);
      await expect(attempt()).rejects.toThrow(HotlineError);
      try {
        await attempt();
      } catch (error) {
        expect((error as HotlineError).code).toBe("SCHEMA");
      }
    }
    expect((await washington.settings(line)).presenceSchedule).toBe("0 6,18 * * *");
  });
});
