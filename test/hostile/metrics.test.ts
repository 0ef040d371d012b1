/**
 * What a paired peer can do to the victim's metrics: nothing it sends adds a series. Label values
 * come only from the victim's own lines and the participants pinned on them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/record/mod.js";
import { StationMetrics } from "../../src/station/mod.js";
import { expectRefused } from "./_harness.js";
import { bilateral, type Bilateral } from "./_mallory.js";

let scene: Bilateral | undefined;
afterEach(async () => {
  await scene?.h.close();
  scene = undefined;
});

/** @returns every series of a scrape, as `name{labels}` */
function seriesOf(text: string): Set<string> {
  return new Set(
    text
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => line.slice(0, line.lastIndexOf(" "))),
  );
}

describe("hostile peer: the victim's metrics", () => {
  it("entries pushed for 30 made-up lines are refused with UNKNOWN_LINE and add no series: labels stay the victim's line and its one peer", async () => {
    scene = await bilateral();
    const { a, mal, line } = scene;
    if (a.outbox === null || a.monitor === null) throw new Error("the victim runs no outbox");
    const metrics = new StationMetrics(a.station, {
      outbox: a.outbox,
      monitor: a.monitor,
      processMetrics: false,
    });
    metrics.start();
    try {
      const before = seriesOf(await metrics.scrape());
      for (let i = 0; i < 30; i++) {
        const madeUp = sha256Hex(`made-up line ${i}`);
        expectRefused(await mal.push(madeUp, [await mal.text(madeUp, `Line ${i}`)]), 404, "UNKNOWN_LINE");
      }
      const after = seriesOf(await metrics.scrape());
      expect([...after].filter((s) => !before.has(s))).toEqual([]);
      const lineIds = new Set(
        [...after].flatMap((s) => [...s.matchAll(/line_id="([^"]*)"/g)].map((m) => m[1])),
      );
      expect(lineIds).toEqual(new Set([line.slice(0, 12)]));
      const peerIds = new Set(
        [...after].flatMap((s) => [...s.matchAll(/peer_id="([^"]*)"/g)].map((m) => m[1])),
      );
      expect(peerIds).toEqual(new Set([mal.id.slice(0, 12)]));
    } finally {
      metrics.stop();
    }
  });
});
