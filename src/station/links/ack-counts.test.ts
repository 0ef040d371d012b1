import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { ackEntry } from "../attention/mod.js";
import { ackCounts } from "./ack-counts.js";

describe("ack counts in the status", () => {
  let p: InProcessPair;
  beforeEach(async () => {
    p = await inProcessPair();
  });
  afterEach(async () => {
    await p.close();
  });

  it("move on with each message and acknowledgement that arrives, as a count from scratch would", async () => {
    const { washington, moscow, line } = p;
    expect(await ackCounts(washington, line)).toEqual({ unacked: 0, awaitingAcks: 0 });
    const first = await moscow.send({ line, text: "Two Tu-95 transit at 0600Z.", operator: "admin" });
    await moscow.send({ line, text: "Second.", operator: "admin" });
    await washington.send({ line, text: "Received, standing by.", operator: "admin" });
    await p.sync();
    expect(await ackCounts(washington, line)).toEqual({ unacked: 2, awaitingAcks: 1 });
    expect(await ackCounts(moscow, line)).toEqual({ unacked: 1, awaitingAcks: 2 });

    // Acknowledgements, and a second one of the same message (counted once).
    await ackEntry(washington, { entry: first.hash, operator: "admin" });
    await ackEntry(washington, { entry: first.hash, operator: "admin" }).catch(() => undefined);
    await p.sync();
    expect(await ackCounts(washington, line)).toEqual({ unacked: 1, awaitingAcks: 1 });
    expect(await ackCounts(moscow, line)).toEqual({ unacked: 1, awaitingAcks: 1 });

    // Many entries since the last count: taken in over several pages.
    for (let i = 0; i < 3; i++) {
      await moscow.writeMany(
        line,
        Array.from({ length: 700 }, (_, j) => ({
          kind: "text",
          body: { text: `m${i}-${j}`, lang: "ru", precedence: "ROUTINE", operator: "admin" },
        })),
      );
    }
    await p.sync();
    expect(await ackCounts(washington, line)).toEqual({ unacked: 2_101, awaitingAcks: 1 });
    // Both at once: each entry taken in once.
    const [a, b] = await Promise.all([ackCounts(moscow, line), ackCounts(moscow, line)]);
    expect(a).toEqual({ unacked: 1, awaitingAcks: 2_101 });
    expect(b).toEqual(a);
  });
});
