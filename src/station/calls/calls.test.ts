import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { MOSCOW_READOUT_EN, MOSCOW_READOUT_RU, WASHINGTON_READOUT } from "../../../test/helpers/readouts.js";
import { HotlineError, type ErrorCode } from "../../record/mod.js";
import { answerCall, callsOf, recordCallHeld, requestCall } from "./calls.js";
import { markReadout, publishReadout, readoutsOf } from "./readouts.js";
import { machineTranslate, translateEntry, translationsOf } from "../thread/translations.js";
import { logOf } from "../thread/log.js";

async function codeOf(fn: () => unknown): Promise<ErrorCode | "none"> {
  try {
    await fn();
    return "none";
  } catch (error) {
    if (error instanceof HotlineError) return error.code;
    throw error;
  }
}

describe("calls, readouts and translations between two stations", () => {
  let pair: InProcessPair;
  afterEach(async () => await pair.close());

  const request = async (p: InProcessPair) =>
    await requestCall(p.washington, {
      line: "moscow-washington",
      level: "minister",
      topic: "Ukraine; lines of communication",
      proposedTime: "2022-10-21T14:00:00.000Z",
      participants: ["Secretary Austin", "Minister Shoigu"],
      operator: "duty-officer",
    });

  it("callsOf() tells who asked, who agreed, when, how long, at what level — the same at both ends", async () => {
    pair = await inProcessPair();
    const { washington, moscow, sync, at } = pair;
    const asked = await request(pair);
    await sync();
    at("2022-10-21T09:30:00.000Z");
    expect(
      (await answerCall(moscow, { call: asked.hash.slice(0, 10), answer: "accept", operator: "dezhurny" }))
        .call.state,
    ).toBe("accepted");
    await sync();
    at("2022-10-21T15:00:00.000Z");
    await recordCallHeld(washington, {
      call: asked.hash,
      start: "2022-10-21T14:02:00.000Z",
      end: "2022-10-21T14:47:30.000Z",
      operator: "duty-officer",
    });
    await sync();

    const calls = await callsOf(washington, "moscow-washington");
    expect(await callsOf(moscow, "moscow-washington")).toEqual(calls);
    expect(calls).toMatchObject([
      {
        id: asked.hash,
        requestedBy: { station: washington.id, stationName: "Washington", operator: "duty-officer" },
        requestedAt: "2022-10-21T09:00:00.000Z",
        level: "minister",
        proposedTime: "2022-10-21T14:00:00.000Z",
        participants: ["Secretary Austin", "Minister Shoigu"],
        state: "held",
        responses: [
          { kind: "accept", station: moscow.id, operator: "dezhurny", time: "2022-10-21T09:30:00.000Z" },
        ],
        start: "2022-10-21T14:02:00.000Z",
        end: "2022-10-21T14:47:30.000Z",
        durationSeconds: 2730,
        initiatedBy: { station: washington.id, stationName: "Washington" },
      },
    ]);
  });

  it("declines need a reason; a cancel is the requester's; nobody answers twice or after the end", async () => {
    pair = await inProcessPair();
    const { washington, moscow, sync } = pair;
    const first = await request(pair);
    const second = await request(pair);
    await sync();
    expect(
      await codeOf(
        async () =>
          await answerCall(moscow, { call: first.hash, answer: "decline", reason: "", operator: "d" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      (await answerCall(moscow, { call: first.hash, answer: "decline", reason: "Not now", operator: "d" }))
        .call.state,
    ).toBe("declined");
    expect(
      await codeOf(
        async () => await answerCall(moscow, { call: first.hash, answer: "accept", operator: "d" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () => await answerCall(washington, { call: first.hash, answer: "accept", operator: "a" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () => await answerCall(moscow, { call: second.hash, answer: "cancel", operator: "d" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      (await answerCall(washington, { call: second.hash, answer: "cancel", operator: "a" })).call.state,
    ).toBe("cancelled");
    await sync();
    expect(
      await codeOf(
        async () => await answerCall(moscow, { call: second.hash, answer: "accept", operator: "d" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () =>
          await recordCallHeld(moscow, {
            call: second.hash,
            start: "2022-10-21T14:00:00.000Z",
            end: "2022-10-21T14:10:00.000Z",
            operator: "d",
          }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () => await publishReadout(moscow, { call: first.hash, text: "Nothing.", operator: "d" }),
      ),
    ).toBe("BAD_INPUT");
    expect((await callsOf(moscow, "moscow-washington")).map((c) => c.state)).toEqual([
      "declined",
      "cancelled",
    ]);
  });

  it("refuses bad references and bad fields with their codes", async () => {
    pair = await inProcessPair();
    const { washington, moscow, sync } = pair;
    const asked = await request(pair);
    const message = await washington.send({ line: "moscow-washington", text: "Line check", operator: "a" });
    const other = (await washington.createLine({ name: "paris-washington", operator: "a" })).id;
    const elsewhere = await requestCall(washington, { ...baseRequest, line: other, operator: "a" });
    await sync();
    const unknown = "ab".repeat(32);
    expect(
      await codeOf(async () => await answerCall(moscow, { call: unknown, answer: "accept", operator: "d" })),
    ).toBe("UNKNOWN_ENTRY");
    expect(
      await codeOf(async () => await answerCall(moscow, { call: "zz", answer: "accept", operator: "d" })),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () => await answerCall(moscow, { call: message.hash, answer: "accept", operator: "d" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () =>
          await publishReadout(washington, {
            call: elsewhere.hash,
            line: "moscow-washington",
            text: "x.",
            operator: "a",
          }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () => await publishReadout(washington, { call: message.hash, text: "x.", operator: "a" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () =>
          await requestCall(washington, { ...baseRequest, proposedTime: "tomorrow", operator: "a" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () => await requestCall(washington, { ...baseRequest, participants: [], operator: "a" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(async () => await requestCall(washington, { ...baseRequest, topic: "  ", operator: "a" })),
    ).toBe("BAD_INPUT");
    const held = { call: asked.hash, start: "2022-10-21T14:00:00.000Z", operator: "a" };
    expect(
      await codeOf(
        async () => await recordCallHeld(washington, { ...held, end: "2022-10-21T13:59:59.999Z" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () => await recordCallHeld(washington, { ...held, end: "2022-10-23T14:00:00.000Z" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () =>
          await recordCallHeld(washington, {
            ...held,
            end: "2022-10-21T14:30:00.000Z",
            initiatedBy: "Paris",
          }),
      ),
    ).toBe("BAD_INPUT");
    const byMoscow = await recordCallHeld(washington, {
      ...held,
      end: "2022-10-21T14:30:00.000Z",
      initiatedBy: "moscow",
    });
    expect(byMoscow.call.initiatedBy?.station).toBe(moscow.id);
    expect(
      await codeOf(
        async () => await recordCallHeld(washington, { ...held, end: "2022-10-21T14:30:00.000Z" }),
      ),
    ).toBe("BAD_INPUT");
    // Nothing refused was written: Washington's chain holds only what succeeded.
    expect(await washington.store.entriesOfKind(pair.line, "call.held")).toHaveLength(1);
  });

  it("callsOf() tolerates odd but valid entries from a peer: two accepts, then a decline, an answer to nothing", async () => {
    pair = await inProcessPair();
    const { washington, moscow, sync, line } = pair;
    const asked = await request(pair);
    const readout = await publishReadout(washington, {
      call: asked.hash,
      text: WASHINGTON_READOUT,
      operator: "pa",
    });
    await sync();
    // Written directly, as a peer's own software might: schema-valid, past the station's checks.
    await moscow.writeMany(line, [
      { kind: "call.accept", body: { call: asked.hash, operator: "d" } },
      { kind: "call.accept", body: { call: asked.hash, operator: "d" } },
      { kind: "call.accept", body: { call: "cd".repeat(32), operator: "d" } },
      { kind: "call.decline", body: { call: asked.hash, reason: "Changed our mind", operator: "d" } },
      {
        kind: "readout.mark",
        body: { readout: "ef".repeat(32), point: 3, quote: "Nothing.", verdict: "agreed", operator: "d" },
      },
      {
        kind: "readout.mark",
        body: { readout: readout.hash, point: 0, quote: "Never said.", verdict: "disputed", operator: "d" },
      },
      {
        kind: "readout.mark",
        body: {
          readout: readout.hash,
          point: 0,
          quote: "They discussed the war in Ukraine.",
          verdict: "agreed",
          operator: "d",
        },
      },
    ]);
    await sync();
    const [call] = await callsOf(washington, "moscow-washington");
    expect(call?.state).toBe("declined");
    expect(call?.responses.map((r) => r.kind)).toEqual(["accept", "accept", "decline"]);
    const view = await readoutsOf(washington, asked.hash);
    expect(view.unplaced).toMatchObject([{ readout: readout.hash, point: 0, quote: "Never said." }]);
    // Placed by its quote, as the index names another sentence.
    expect(view.readouts[0]?.points.map((p) => Object.values(p.verdicts))).toEqual([[], ["agreed"], [], []]);
  });

  it("readoutsOf() shows both sides' readouts side by side, compared through the author's translation, with marks", async () => {
    pair = await inProcessPair();
    const { washington, moscow, sync } = pair;
    const asked = await request(pair);
    await sync();
    await answerCall(moscow, { call: asked.hash, answer: "accept", operator: "d" });
    await sync();
    pair.at("2022-10-21T15:00:00.000Z");
    const usReadout = await publishReadout(washington, {
      call: asked.hash,
      text: WASHINGTON_READOUT,
      operator: "pa",
    });
    pair.at("2022-10-21T15:10:00.000Z"); // written before Washington's arrived: ordered by time
    const ruReadout = await publishReadout(moscow, {
      call: asked.hash,
      text: MOSCOW_READOUT_RU,
      operator: "pr",
    });
    expect(ruReadout.points).toBe(3);
    await sync();

    const before = await readoutsOf(washington, asked.hash);
    expect(before.comparisons).toMatchObject([{ comparable: false, onlyA: [], onlyB: [] }]);
    expect(before.comparisons[0]?.reason).toMatch(/Cannot compare a readout in en with one in ru/);

    const translation = await translateEntry(moscow, {
      entry: ruReadout.hash,
      lang: "en",
      text: MOSCOW_READOUT_EN,
      translator: "MID translation service",
      operator: "pr",
    });
    await markReadout(washington, { readout: ruReadout.hash, point: 2, verdict: "agreed", operator: "pa" });
    await markReadout(washington, {
      readout: ruReadout.hash,
      point: 2,
      verdict: "disputed",
      comment: "No evidence; we reject this as a pretext",
      operator: "pa",
    });
    await markReadout(moscow, { readout: usReadout.hash, point: 1, verdict: "agreed", operator: "pr" });
    await sync();

    const view = await readoutsOf(washington, asked.hash);
    expect(await readoutsOf(moscow, asked.hash.slice(0, 16))).toEqual(view);
    expect(view.readouts.map((r) => [r.stationName, r.lang, r.latest, r.points.length])).toEqual([
      ["Washington", "en", true, 4],
      ["Moscow", "ru", true, 3],
    ]);
    expect(view.readouts[1]?.translations).toMatchObject([
      { hash: translation.hash, lang: "en", byAuthor: true, machine: false, authoritative: false },
    ]);
    const [comparison] = view.comparisons;
    expect(comparison).toMatchObject({
      comparable: true,
      a: { stationName: "Washington", source: "original", lang: "en" },
      b: { stationName: "Moscow", source: "translation", translation: translation.hash, lang: "en" },
    });
    expect(comparison?.onlyA.map((p) => p.text)).toEqual([
      "Secretary Austin stressed the importance of keeping lines of communication open.",
      "He rejected any pretext for Russian escalation.",
    ]);
    expect(comparison?.onlyB.map((p) => p.index)).toEqual([2]);
    expect(comparison?.onlyB[0]?.text).toMatch(/dirty bomb/);
    expect(view.readouts[0]?.points.map((p) => p.mentionedByOthers)).toEqual([true, true, false, false]);
    expect(view.readouts[1]?.points.map((p) => p.mentionedByOthers)).toEqual([null, null, null]);

    expect(view.agreed).toEqual([
      {
        readout: usReadout.hash,
        station: washington.id,
        stationName: "Washington",
        index: 1,
        text: "They discussed the war in Ukraine.",
        by: [{ station: moscow.id, stationName: "Moscow", comment: null }],
      },
    ]);
    expect(view.disputed).toMatchObject([
      {
        readout: ruReadout.hash,
        stationName: "Moscow",
        index: 2,
        by: [{ stationName: "Washington", comment: "No evidence; we reject this as a pretext" }],
      },
    ]);
    expect(view.disputed[0]?.text).toMatch(/грязной бомбы/);
    expect(view.readouts[1]?.points[2]?.marks.map((m) => m.verdict)).toEqual(["agreed", "disputed"]);
  });

  it("markReadout() refuses this station's own readout, a point that is not there, and what is not a readout", async () => {
    pair = await inProcessPair();
    const { washington, moscow, sync } = pair;
    const asked = await request(pair);
    const mine = await publishReadout(washington, {
      call: asked.hash,
      text: WASHINGTON_READOUT,
      operator: "pa",
    });
    await sync();
    const mark = { point: 0, verdict: "agreed" as const, operator: "x" };
    expect(await codeOf(async () => await markReadout(washington, { ...mark, readout: mine.hash }))).toBe(
      "BAD_INPUT",
    );
    expect(
      await codeOf(async () => await markReadout(moscow, { ...mark, readout: mine.hash, point: 4 })),
    ).toBe("BAD_INPUT");
    expect(await codeOf(async () => await markReadout(moscow, { ...mark, readout: asked.hash }))).toBe(
      "BAD_INPUT",
    );
    expect(await codeOf(async () => await markReadout(moscow, { ...mark, readout: "12345678" }))).toBe(
      "UNKNOWN_ENTRY",
    );
    expect((await markReadout(moscow, { ...mark, readout: mine.hash, point: 3 })).quote).toBe(
      "He rejected any pretext for Russian escalation.",
    );
  });

  it("translations are attached beside messages in the log, by person or machine, never in the original's language", async () => {
    pair = await inProcessPair();
    const { washington, moscow, sync } = pair;
    const sent = await washington.send({
      line: "moscow-washington",
      text: "Line check, please confirm.",
      operator: "a",
    });
    await sync();
    await translateEntry(moscow, {
      entry: sent.hash,
      lang: "ru",
      text: "Проверка линии, подтвердите.",
      operator: "ivanov",
    });
    await machineTranslate(
      moscow,
      { name: "FakeMT 1", translate: async (text, o) => `[${o.from}→${o.to}] ${text}` },
      { entry: sent.hash, lang: "fr", operator: "ivanov" },
    );
    expect(
      await codeOf(
        async () => await translateEntry(moscow, { entry: sent.hash, lang: "EN", text: "x", operator: "i" }),
      ),
    ).toBe("BAD_INPUT");
    const ack = (await logOf(moscow, "moscow-washington")).find((e) => e.kind === "member.add");
    expect(
      await codeOf(
        async () =>
          await translateEntry(moscow, { entry: ack?.hash ?? "", lang: "ru", text: "x", operator: "i" }),
      ),
    ).toBe("BAD_INPUT");
    expect(
      await codeOf(
        async () =>
          await translateEntry(moscow, { entry: sent.hash, lang: "xx-!!", text: "x", operator: "i" }),
      ),
    ).toBe("BAD_INPUT");
    await sync();

    const entry = (await logOf(washington, "moscow-washington")).find((e) => e.hash === sent.hash);
    expect(entry?.body.text).toBe("Line check, please confirm.");
    expect(entry?.translations).toMatchObject([
      { lang: "ru", translator: "ivanov", machine: false, byAuthor: false, stationName: "Moscow" },
      { lang: "fr", translator: "FakeMT 1", machine: true, text: "[en→fr] Line check, please confirm." },
    ]);
    expect(await translationsOf(moscow, "moscow-washington")).toEqual(
      await translationsOf(washington, "moscow-washington"),
    );
    expect(
      (await logOf(washington, "moscow-washington")).find((e) => e.kind === "line.genesis")?.translations,
    ).toBeUndefined();
  });
});

const baseRequest = {
  line: "moscow-washington",
  level: "working" as const,
  topic: "Air activity near the border",
  proposedTime: "2022-10-21T14:00:00.000Z",
  participants: ["Duty officers"],
};
