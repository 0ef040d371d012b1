import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HotlineError } from "../../record/mod.js";
import { openSqliteStore, type Store } from "../../store/mod.js";
import { fencedStore } from "./fenced-store.js";

/** The store URL both processes of the pair share: one place to point these tests elsewhere. */
const sharedStore = (root: string) => join(root, "hotline.db");

describe("a fenced store (the active of a pair)", () => {
  const roots: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });
  const open = async (file: string) => {
    const store = await openSqliteStore(file);
    stores.push(store);
    return store;
  };
  const alarm = (detail: string) => ({
    code: "TEST",
    severity: "warning" as const,
    line: null,
    peer: null,
    entry: null,
    detail,
    raisedAt: new Date().toISOString(),
  });

  it("writes while it holds the lease; once another took it, refuses every write FENCED, writes nothing, and says so once per refusal", async () => {
    const root = mkdtempSync(join(tmpdir(), "hotline-fence-"));
    roots.push(root);
    const a = await open(sharedStore(root));
    const b = await open(sharedStore(root));
    const held = await a.acquireLease("a", 60_000);
    let told = 0;
    const fenced = fencedStore(a, { epoch: held?.epoch ?? -1, onFenced: () => told++ });
    await fenced.raiseAlarm(alarm("while active"));
    // a paused: its lease handed over (released here, as a lapse would), b takes it and writes.
    await a.releaseLease(held?.epoch ?? -1);
    expect((await b.acquireLease("b", 60_000))?.epoch).toBe(2);
    const refused = await fenced.raiseAlarm(alarm("after the takeover")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HotlineError);
    expect((refused as HotlineError).code).toBe("FENCED");
    const inTx = await fenced
      .transaction(async (tx) => tx.raiseAlarm(alarm("in a transaction")))
      .catch((e: unknown) => e);
    expect((inTx as HotlineError).code).toBe("FENCED");
    expect(told).toBe(2);
    expect((await b.alarms({ all: true })).map((x) => x.detail)).toEqual(["while active"]);
    // Reads still work: the process can still say who is active.
    expect((await fenced.lease())?.holder).toBe("b");
  });
});
