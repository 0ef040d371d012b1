import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { snapshotDatabase, writeBackup } from "./backup.js";
import { pendingCertPaths, renewCertificate } from "./cert-renewal.js";
import { restoreBackup } from "./restore.js";
import { stationPaths } from "./config.js";
import { Station } from "./station.js";

describe("a backup made --with-keys while a certificate renewal waits", () => {
  let pair: InProcessPair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it("holds the renewal's certificate and key, and restore puts them back (key 0600), so the switch can still happen", async () => {
    pair = await inProcessPair();
    const { washington } = pair;
    const renewed = await renewCertificate(washington, { operator: "admin" });
    const snapshot = await snapshotDatabase(washington);
    const out = join(washington.paths.dir, "..", "washington.backup");
    await writeBackup({
      paths: washington.paths,
      snapshot,
      out,
      createdAt: new Date(pair.clock.now()).toISOString(),
      passphrase: "a passphrase long enough",
    });
    const dir = join(washington.paths.dir, "..", "restored");
    const restored = await restoreBackup({
      file: out,
      dir,
      passphrase: async () => "a passphrase long enough",
    });
    expect(restored).toMatchObject({ withKeys: true, missing: [], station: { id: washington.id } });
    const next = pendingCertPaths(stationPaths(dir));
    expect(readFileSync(next.cert, "utf8")).toBe(
      readFileSync(pendingCertPaths(washington.paths).cert, "utf8"),
    );
    expect(statSync(next.key).mode & 0o777).toBe(0o600);
    const again = await Station.open({ dir });
    try {
      expect(again.id).toBe(washington.id);
      const me = (await again.store.members(pair.line)).find((m) => m.station === washington.id);
      expect(me?.cert).toBe(renewed.cert);
    } finally {
      await again.close();
    }
  });
});
