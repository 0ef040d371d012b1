import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acceptInvite, createInvite, initStation, ManualClock, Station } from "../../src/station/mod.js";
import { DirectTransport } from "./direct-transport.js";

/** Washington and Moscow in this process, on one line, with a clock the test moves. */
export interface InProcessPair {
  washington: Station;
  moscow: Station;
  line: string;
  /** the clock of both: time stands still until the test moves it (`at`, `t`, or `advance` to fire timers) */
  clock: ManualClock;
  /** moves the clock to a time */
  at: (iso: string) => void;
  /** copies to each station what the other holds and it does not */
  sync: () => Promise<void>;
  /** copies to one station what the other holds and it does not (one way only) */
  deliver: (from: Station, to: Station) => Promise<void>;
  /** closes both stations and removes their directories */
  close: () => Promise<void>;
}

/**
 * Two stations paired on a line "moscow-washington", Moscow working in Russian. Nothing runs in
 * the background: entries move between them only when the test calls `sync`.
 *
 * @param start the clock's first time
 * @param random the clock's randomness (default its seeded draws)
 * @returns the pair
 */
export async function inProcessPair(
  start = "2022-10-21T09:00:00.000Z",
  random?: () => number,
): Promise<InProcessPair> {
  const root = mkdtempSync(join(tmpdir(), "hotline-pair-"));
  const clock = new ManualClock({ start, random });
  await initStation({ dir: join(root, "washington"), name: "Washington", listen: "127.0.0.1:17301" });
  await initStation({ dir: join(root, "moscow"), name: "Moscow", listen: "127.0.0.1:17302", lang: "ru" });
  const washington = await Station.open({ dir: join(root, "washington"), clock });
  const moscow = await Station.open({ dir: join(root, "moscow"), clock });
  const transport = new DirectTransport();
  transport.add(washington, moscow);
  const line = (await washington.createLine({ name: "moscow-washington", operator: "admin" })).id;
  await acceptInvite(
    moscow,
    transport,
    (await createInvite(washington, { line, expiresInMs: 60_000, operator: "admin" })).invite,
  );
  const copy = async (from: Station, to: Station) => {
    const missing: unknown[] = [];
    for (const e of await from.store.entries(line)) {
      if ((await to.store.entryByHash(e.hash)) === null) missing.push(JSON.parse(e.bytes.toString("utf8")));
    }
    if (missing.length > 0) {
      const result = await to.receive(missing);
      if (result.refused !== null) throw result.refused;
    }
  };
  const sync = async () => {
    await copy(moscow, washington);
    await copy(washington, moscow);
    await copy(moscow, washington);
  };
  await sync();
  return {
    washington,
    moscow,
    line,
    clock,
    at: (iso) => (clock.t = Date.parse(iso)),
    sync,
    deliver: copy,
    close: async () => {
      await washington.close();
      await moscow.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
