import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { stationChange } from "../../../test/helpers/station-db.js";
import { HotlineError } from "../../record/mod.js";
import { settingsOf } from "./settings.js";
import { logOf } from "../thread/log.js";

/**
 * Stored entries are read back through one checked decoder: a database changed or damaged under
 * the station is a clear STORE_DAMAGED naming the entry, not a crash in whatever reads it.
 */
describe("a stored entry that no longer reads", () => {
  const pairs: InProcessPair[] = [];
  afterEach(async () => {
    for (const p of pairs.splice(0)) await p.close();
  });

  /** Overwrites an entry's stored bytes behind the station's back, as a damaged disk or a hand edit would. */
  async function damage(dir: string, hash: string, bytes: Buffer): Promise<void> {
    expect(await stationChange(dir, "UPDATE entries SET bytes = ? WHERE hash = ?", bytes, hash)).toBe(1);
  }

  async function thrown(run: () => Promise<unknown>): Promise<HotlineError> {
    try {
      await run();
    } catch (error) {
      if (error instanceof HotlineError) return error;
      throw error;
    }
    throw new Error("expected a HotlineError");
  }

  it("the log and the settings of its line refuse with STORE_DAMAGED naming the entry", async () => {
    const pair = await inProcessPair();
    pairs.push(pair);
    const { washington, line } = pair;
    const sent = await washington.send({
      line,
      text: "Readable for now.",
      precedence: "FLASH",
      operator: "admin",
    });
    const settings = await washington.setLine({ line, testInterval: 30, operator: "admin" });
    expect((await logOf(washington, line)).find((e) => e.hash === sent.hash)?.body).toMatchObject({
      text: "Readable for now.",
    });

    await damage(washington.paths.dir, sent.hash, Buffer.from('{"v":1,"kind":"text","body":{"te'));
    const error = await thrown(() => logOf(washington, line));
    expect(error.code).toBe("STORE_DAMAGED");
    expect(error.message).toMatch(
      new RegExp(`^Cannot read stored entry ${sent.hash.slice(0, 12)}: its bytes are not JSON`),
    );

    // A settings entry whose body no longer fits its schema: refused, not read as whatever it holds.
    const { bytes } = (await washington.store.entryByHash(settings.hash)) ?? { bytes: Buffer.alloc(0) };
    const changed = JSON.parse(bytes.toString("utf8")) as { body: Record<string, unknown> };
    changed.body.testInterval = "every second";
    await damage(washington.paths.dir, settings.hash, Buffer.from(JSON.stringify(changed)));
    const bad = await thrown(() => settingsOf(washington.store, line));
    expect(bad.code).toBe("STORE_DAMAGED");
    expect(bad.message).toContain(settings.hash.slice(0, 12));
  });
});
