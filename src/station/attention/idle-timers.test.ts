import { afterEach, describe, expect, it, vi } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import type { Station } from "../core/station.js";
import { DeadlineWatch } from "./acks.js";
import { PresenceTests } from "./presence.js";
import { MAX_SLEEP_MS } from "./wake-timer.js";

const HOUR = 3_600_000;

/**
 * The deadline watch and the presence tests on an idle station: they sleep until something can be
 * due (a deadline, an escalation step, a slot), at most MAX_SLEEP_MS, instead of looking every
 * second — and still act at the exact millisecond, take in what arrives meanwhile, and notice a
 * wall clock set forward within the cap. All on the fake clock.
 */
describe("watches that sleep until something is due", () => {
  const pairs: InProcessPair[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) c();
    for (const p of pairs.splice(0)) await p.close();
  });

  async function pair(start: string) {
    const p = await inProcessPair(start);
    pairs.push(p);
    return p;
  }

  async function watching(station: Station, maxSleepMs?: number) {
    const watch = new DeadlineWatch(station, maxSleepMs === undefined ? {} : { maxSleepMs });
    await watch.start();
    cleanups.push(() => watch.stop());
    return { watch, looks: vi.spyOn(watch, "check") };
  }

  const open = async (s: Station, code: string) =>
    (await s.store.alarms()).filter((a) => a.code === code && a.clearedAt === null);

  it("the deadline watch sleeps until a deadline 2 minutes away, looking only every 15 s meanwhile, and raises ACK_OVERDUE at it to the millisecond", async () => {
    const { washington, line, clock } = await pair("2026-11-23T06:00:00.000Z");
    const { looks } = await watching(washington);
    await clock.advance(7_000);
    await washington.send({ line, text: "Incoming flight", precedence: "FLASH", operator: "admin" });

    await clock.advance(2 * 60_000 - 1); // FLASH: 2 minutes, from 06:00:07
    expect(await open(washington, "ACK_OVERDUE")).toEqual([]);
    expect(looks.mock.calls.length).toBeLessThanOrEqual(Math.ceil((2 * 60_000) / MAX_SLEEP_MS)); // not 120
    await clock.advance(1);
    expect(await open(washington, "ACK_OVERDUE")).toMatchObject([{ raisedAt: "2026-11-23T06:02:07.000Z" }]);
  });

  it("an entry arriving while the watch sleeps is taken in: its deadline wakes it, and one delivered past its deadline is dealt with at once", async () => {
    const { washington, moscow, line, clock, deliver } = await pair("2026-11-23T06:00:00.000Z");
    await watching(moscow, HOUR); // nothing to wait for: it would sleep an hour
    await clock.advance(10_000);
    await washington.send({ line, text: "Incoming flight", precedence: "FLASH", operator: "admin" });
    await deliver(washington, moscow);
    await clock.advance(2 * 60_000 - 1);
    expect(await open(moscow, "ACK_REMINDER")).toEqual([]);
    await clock.advance(1);
    expect(await open(moscow, "ACK_REMINDER")).toMatchObject([{ raisedAt: "2026-11-23T06:02:10.000Z" }]);

    // Written now, delivered three minutes later: past its deadline on arrival.
    await washington.send({ line, text: "Second flight", precedence: "FLASH", operator: "admin" });
    clock.t += 3 * 60_000; // no timer fires while the entry travels
    await deliver(washington, moscow);
    await clock.advance(0);
    expect((await open(moscow, "ACK_REMINDER")).map((a) => a.raisedAt).sort()).toEqual([
      "2026-11-23T06:02:10.000Z",
      "2026-11-23T06:05:10.000Z",
    ]);
  });

  it("a shorter deadline set while the watch sleeps takes effect at the new deadline, not at the old one", async () => {
    const { washington, line, clock } = await pair("2026-11-23T06:00:00.000Z");
    await watching(washington, HOUR);
    await clock.advance(7_000);
    await washington.send({ line, text: "Incoming flight", precedence: "FLASH", operator: "admin" });
    await clock.advance(13_000);
    await washington.setLine({ line, ackDeadlines: { FLASH: 30 }, operator: "admin" });
    await clock.advance(16_999); // 06:00:36.999
    expect(await open(washington, "ACK_OVERDUE")).toEqual([]);
    await clock.advance(1);
    expect(await open(washington, "ACK_OVERDUE")).toMatchObject([{ raisedAt: "2026-11-23T06:00:37.000Z" }]);
  });

  it("an unattended alarm climbs the chain at 2× and 3× its deadline to the millisecond, the watch sleeping between, and then sleeps its cap", async () => {
    const { washington, line, clock } = await pair("2026-11-23T06:00:00.000Z");
    await watching(washington, HOUR);
    await clock.advance(7_000);
    await washington.send({ line, text: "Incoming flight", precedence: "FLASH", operator: "admin" });
    const audience = async () => (await open(washington, "ACK_OVERDUE")).map((a) => a.audience);

    await clock.advance(2 * 60_000); // 06:02:07
    expect(await audience()).toEqual(["officer"]);
    expect(clock.nextAt()).toBe(Date.parse("2026-11-23T06:04:07.000Z"));
    await clock.advance(2 * 60_000 - 1);
    expect(await audience()).toEqual(["officer"]);
    await clock.advance(1);
    expect(await audience()).toEqual(["supervisor"]);
    await clock.advance(2 * 60_000);
    expect(await audience()).toEqual(["admin"]);
    expect(clock.nextAt()).toBe(Date.parse("2026-11-23T06:06:07.000Z") + HOUR); // the end of the chain
  });

  it("a wall clock set forward past a deadline is noticed at the watch's next look, within 15 s", async () => {
    const { washington, line, clock } = await pair("2026-11-23T06:00:00.000Z");
    await watching(washington);
    await washington.send({ line, text: "Incoming flight", precedence: "FLASH", operator: "admin" });
    await clock.advance(5_000);
    clock.jump(10 * 60_000); // 06:10:05: the deadline (06:02:00) is behind, no timer fired
    await clock.advance(MAX_SLEEP_MS - 5_000 - 1);
    expect(await open(washington, "ACK_OVERDUE")).toEqual([]);
    await clock.advance(1);
    expect(await open(washington, "ACK_OVERDUE")).toMatchObject([{ raisedAt: "2026-11-23T06:10:15.000Z" }]);
  });

  it("presence tests sleep until the next slot: a schedule changed while asleep sends at its first slot to the millisecond, looking only every 15 s meanwhile", async () => {
    const { washington, line, clock } = await pair("2026-11-23T06:00:05.000Z");
    const presence = new PresenceTests(washington);
    presence.start();
    cleanups.push(() => presence.stop());
    const looks = vi.spyOn(presence, "check");
    await clock.advance(1_000);
    await washington.setLine({ line, presenceSchedule: "*/15 * * * *", operator: "admin" });
    const tests = async () => (await washington.store.entriesOfKind(line, "test")).map((e) => e.time);

    await clock.advance(15 * 60_000 - 6_001); // 06:14:59.999
    expect(await tests()).toEqual([]);
    expect(looks.mock.calls.length).toBeLessThanOrEqual(Math.ceil((15 * 60_000) / MAX_SLEEP_MS) + 1); // not 900
    await clock.advance(1);
    expect(await tests()).toEqual(["2026-11-23T06:15:00.000Z"]);
  });

  it("a wall clock set forward past a presence slot sends that slot's test within 15 s", async () => {
    const { washington, line, clock } = await pair("2026-11-23T06:01:00.000Z");
    const presence = new PresenceTests(washington); // "0 6,18 * * *": next slot 18:00
    presence.start();
    cleanups.push(() => presence.stop());
    await clock.advance(5_000);
    clock.jump(Date.parse("2026-11-23T18:00:05.000Z") - clock.now());
    await clock.advance(MAX_SLEEP_MS - 5_000 - 1);
    expect(await washington.store.entriesOfKind(line, "test")).toEqual([]);
    await clock.advance(1);
    expect(await washington.store.entriesOfKind(line, "test")).toMatchObject([
      { time: "2026-11-23T18:00:15.000Z", author: washington.id },
    ]);
  });
});
