import { describe, expect, it } from "vitest";
import { Station } from "../../src/station/mod.js";
import { hotlineJson, hotlineProcess, tempDir } from "../helpers/cli.js";
import { stationChange, stationRows } from "../helpers/station-db.js";

interface Problem {
  code: string;
  seq: number | null;
}

describe("hotline verify on a record of many chunks", () => {
  it("names the same problem with a worker thread beside the main one as on one thread, for a changed byte deep in 3,000 entries (three chunks)", async () => {
    const tmp = tempDir();
    try {
      const dir = tmp.join("big");
      await hotlineJson(["init", "--name", "Big", "--dir", dir]);
      const line = (await hotlineJson<{ id: string }>(["line", "create", "--name", "big", "--dir", dir])).id;
      const station = await Station.open({ dir });
      try {
        for (let k = 0; k < 3; k++) {
          await station.writeMany(
            line,
            Array.from({ length: 1000 }, (_, i) => ({
              kind: "text" as const,
              body: {
                text: `Message ${k * 1000 + i}`,
                lang: "en",
                precedence: "ROUTINE" as const,
                operator: "admin",
              },
            })),
          );
        }
      } finally {
        await station.close();
      }
      // One entry's text changed where the record is kept (its file, or its database).
      const [stored] = await stationRows<{ hash: string; bytes: Buffer }>(
        dir,
        "SELECT hash, bytes FROM entries WHERE seq = 2779",
      );
      const bytes = Buffer.from(
        Buffer.from(stored?.bytes ?? [])
          .toString("utf8")
          .replace("Message 2777", "Message 2778"),
      );
      expect(
        await stationChange(dir, "UPDATE entries SET bytes = ? WHERE hash = ?", bytes, stored?.hash),
      ).toBe(1);
      // Both at once (they only read): a worker thread beside the main one, and the main one alone.
      const reports = await Promise.all(
        ["1", "0"].map(async (workers) => {
          const bad = await hotlineProcess(["verify", "--dir", dir, "--workers", workers, "--json"]);
          expect(bad.code).toBe(1);
          return JSON.parse(bad.stdout) as { ok: boolean; problems: Problem[] };
        }),
      );
      expect(reports[0]).toEqual(reports[1]);
      expect(reports[0]?.problems.map((p) => [p.code, p.seq])).toContainEqual(["BAD_HASH", 2779]);
    } finally {
      tmp.remove();
    }
  });
});
