import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { DirectTransport } from "../../../test/helpers/direct-transport.js";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { Station } from "../core/station.js";
import { Outbox } from "./outbox.js";
import type { PeerTarget } from "./transport.js";

/**
 * A receipt (the peer's signed head statement) is committed without waiting for the disk, so a
 * power cut may take the last moments' receipts with it. Nothing is lost by that: the peer holds
 * the entries durably (it answered only after its own durable commit) and says so again.
 */
describe("a receipt lost in a power cut", () => {
  const pairs: InProcessPair[] = [];
  const opened: { outbox: Outbox | null; station: Station | null }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.outbox?.stop();
      await o.station?.close();
    }
    for (const p of pairs.splice(0)) await p.close();
  });

  /** A transport that is the other station, called directly, counting the entries pushed. */
  class CountingTransport extends DirectTransport {
    pushed = 0;
    override async push(target: PeerTarget, line: string, entries: readonly Buffer[]) {
      this.pushed += entries.length;
      return super.push(target, line, entries);
    }
  }

  it("is asked for again when the station starts, and no entry is sent twice", async () => {
    const pair = await inProcessPair();
    pairs.push(pair);
    const { washington, moscow, line, clock } = pair;
    const transport = new CountingTransport();
    transport.add(washington, moscow);
    const first: { outbox: Outbox | null; station: Station | null } = {
      outbox: new Outbox(washington, { transport }),
      station: null,
    };
    opened.push(first);
    await first.outbox?.start();
    const { seq } = await washington.send({
      line,
      text: "Receipted, then the power went",
      operator: "admin",
    });
    await waitFor(async () => (await washington.store.coveredSeq(line, moscow.id, washington.id)) >= seq);
    expect(transport.pushed).toBe(1);
    await first.outbox?.stop();
    first.outbox = null;
    const held = (await moscow.store.entries(line)).length;

    // The power cut: the station's last statements never reached the disk (here, removed by hand).
    const dir = washington.paths.dir;
    await washington.close();
    const db = new Database(washington.paths.database);
    db.prepare("DELETE FROM coverage WHERE peer = ?").run(moscow.id);
    db.prepare("DELETE FROM statements WHERE station = ?").run(moscow.id);
    db.close();

    const restarted = await Station.open({ dir, clock });
    const again = new CountingTransport();
    again.add(restarted, moscow);
    const second = { outbox: new Outbox(restarted, { transport: again }), station: restarted };
    opened.push(second);
    expect(await restarted.store.coveredSeq(line, moscow.id, restarted.id)).toBe(0);
    await second.outbox.start();
    await waitFor(async () => (await restarted.store.coveredSeq(line, moscow.id, restarted.id)) >= seq);
    expect(await second.outbox.pending(line, moscow.id)).toBe(0);
    expect(again.pushed).toBe(0);
    expect((await moscow.store.entries(line)).length).toBe(held);
  });
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until a condition holds (a generous bound: a loaded machine is slow, not wrong). */
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("the condition did not come true in time");
    await pause(10);
  }
}
