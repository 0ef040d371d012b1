import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { square } from "../../../test/helpers/volumes.js";
import type { Volume } from "../../record/mod.js";
import { notificationsOf, notify } from "../notify/notify.js";

const T0 = Date.parse("2022-10-21T09:00:00.000Z");
const hours = (h: number) => new Date(T0 + h * 3_600_000).toISOString();

describe("time a peer writes in its entries decides nothing it could gain by", () => {
  let pair: InProcessPair | undefined;
  afterEach(() => pair?.close());

  it("notice is judged from when each station first held a notification, so one written 72 h before it arrives is late where it arrived", async () => {
    pair = await inProcessPair(hours(0));
    const { washington, moscow, line } = pair;
    await washington.setLine({ line, noticeHours: { exercise: 72 }, operator: "admin" });
    await pair.sync();
    // Moscow writes at +28 h (its clock), and Washington first holds it at +100 h, two hours
    // before the exercise: 74 h after the time Moscow wrote in it, but 2 h after it arrived.
    pair.at(hours(28));
    const made = await notify(moscow, {
      line,
      type: "exercise",
      title: "Grom",
      volumes: [
        {
          geometry: square(40, 60, 1) as Volume["geometry"],
          altitude: { minMeters: 0, maxMeters: 10_000, ref: "MSL" },
          time: { start: hours(102), end: hours(104) },
        },
      ],
      operator: "admin",
    });
    pair.at(hours(100));
    await pair.deliver(moscow, washington);

    const there = (await notificationsOf(washington, line)).find((n) => n.id === made.hash);
    expect(there?.givenAt).toBe(hours(100));
    expect(there?.marginHours).toBe(-70);
    expect(there?.late).toBe(true);
    // At Moscow it was given when Moscow wrote it: 74 h ahead, in time by its own record.
    const here = (await notificationsOf(moscow, line)).find((n) => n.id === made.hash);
    expect(here?.late).toBe(false);
  });

  it("a settings change dated ahead loses to a later change that saw it, at both ends", async () => {
    pair = await inProcessPair(hours(0));
    const { washington, moscow, line } = pair;
    // Moscow's clock runs 4 minutes ahead; it sets the test interval to 30 s.
    pair.at(new Date(T0 + 4 * 60_000).toISOString());
    await moscow.setLine({ line, testInterval: 30, operator: "admin" });
    await pair.deliver(moscow, washington);
    // Washington, on time, answers with 10 s, having seen Moscow's change: its change comes later,
    // though the time it carries is earlier.
    pair.at(hours(0));
    await washington.setLine({ line, testInterval: 10, operator: "admin" });
    await pair.deliver(washington, moscow);
    expect((await washington.settings(line)).testInterval).toBe(10);
    expect((await moscow.settings(line)).testInterval).toBe(10);
  });
});
