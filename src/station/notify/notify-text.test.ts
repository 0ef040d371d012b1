import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { transcriptLine } from "../../cli/messages.js";
import { amendNotification, clarify, notify } from "./notify.js";
import { volumeText } from "./notify-text.js";
import { renderTranscript } from "../evidence/transcript.js";
import { logOf } from "../thread/log.js";

describe("notifications as people read them", () => {
  const pairs: InProcessPair[] = [];
  afterEach(async () => {
    for (const p of pairs.splice(0)) await p.close();
  });

  it("says where, how high and when of a polygon and of a circle", () => {
    const time = { start: "2026-11-27T06:00:00.000Z", end: "2026-12-10T22:00:00.000Z" };
    const altitude = { minMeters: 300, maxMeters: 12_000, ref: "MSL" as const };
    expect(
      volumeText({
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [2.5, 49.5],
              [6.4, 49.5],
              [6.4, 51.5],
              [2.5, 51.5],
              [2.5, 49.5],
            ],
          ],
        },
        altitude,
        time,
      }),
    ).toBe(
      "polygon of 4 points within 2.5°E–6.4°E 49.5°N–51.5°N, 300–12,000 m MSL, 2026-11-27 06:00 → 2026-12-10 22:00 UTC",
    );
    expect(volumeText({ geometry: { center: [-70.25, -33.5], radiusMeters: 40_000 }, altitude, time })).toBe(
      "circle of 40 km around 70.25°W 33.5°S, 300–12,000 m MSL, 2026-11-27 06:00 → 2026-12-10 22:00 UTC",
    );
  });

  it("the log and the exported transcript tell a notification, the question, the answer and the withdrawal", async () => {
    const p = await inProcessPair("2026-11-23T06:00:00.000Z");
    pairs.push(p);
    const volume = {
      geometry: { center: [40.68, 62.93] as [number, number], radiusMeters: 40_000 },
      altitude: { minMeters: 0, maxMeters: 1_500_000, ref: "MSL" as const },
      time: { start: "2026-11-30T08:00:00.000Z", end: "2026-11-30T16:00:00.000Z" },
    };
    const n = await notify(p.moscow, {
      line: p.line,
      type: "missile-launch",
      title: "Grom",
      description: "Launches from Plesetsk",
      volumes: [volume],
      operator: "admin",
    });
    await p.sync();
    const q = await clarify(p.washington, {
      of: n.hash,
      question: "Any launch toward the Pacific?",
      operator: "admin",
    });
    await p.sync();
    await clarify(p.moscow, { of: q.hash, answer: "Only to the Kura range.", operator: "admin" });
    await amendNotification(p.moscow, { of: n.hash, cancel: true, reason: "Postponed", operator: "admin" });
    await p.sync();

    const log = (await logOf(p.washington, p.line)).map((e) => transcriptLine(e)).join("\n");
    expect(log).toContain('NOTIFIED missile-launch: "Grom" (admin)');
    expect(log).toContain("    volume 0: circle of 40 km around 40.68°E 62.93°N, 0–1,500,000 m MSL");
    expect(log).toContain(
      `asked about notification ${n.hash.slice(0, 12)} (admin)\n    Any launch toward the Pacific?`,
    );
    expect(log).toContain(`answered question ${q.hash.slice(0, 12)} (admin)\n    Only to the Kura range.`);
    expect(log).toContain(`WITHDREW notification ${n.hash.slice(0, 12)}: Postponed (admin)`);
    expect(log).not.toMatch(/"kind"|\{"/);

    const md = await renderTranscript(p.moscow, p.line, "md");
    expect(md).toContain('NOTIFIED missile-launch: "Grom"');
    expect(md).toContain("- Launches from Plesetsk");
    expect(md).toContain("Only to the Kura range.");
    const html = await renderTranscript(p.moscow, p.line, "html");
    expect(html).toContain("<li>Any launch toward the Pacific?</li>");
  });
});
