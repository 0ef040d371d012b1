/**
 * The relay trial: Washington, Moscow and Paris on one line, each reached through a
 * fault-injecting proxy. Every way into Washington and into Moscow is cut, so neither reaches the
 * other, while both still reach Paris: Washington's messages reach Moscow through Paris, marked as
 * relayed, Moscow's signed receipts come back to Washington through Paris, and Washington's status
 * says Moscow is reached only through Paris. Real stations (in this process), real loopback mTLS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultProxy } from "../../src/faults/mod.js";
import { launchChromium, signInConsole } from "../helpers/browser.js";
import { hotline, hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import {
  freePort,
  initStation,
  pairOnLine,
  startStation,
  stopStation,
  waitFor,
  type TestStation,
} from "../helpers/stations.js";

interface LogEntry {
  author: string;
  seq: number;
  kind: string;
  body: { text?: string };
  receipts: Record<string, string>;
  via?: { station: string; name: string };
}
interface Participant {
  id: string;
  health: string;
  outbox: number;
  relay: { via: string; viaName: string; since: string; lastHeard: string } | null;
}
interface Status {
  lines: { id: string; participants: Participant[] }[];
}
interface Alarm {
  code: string;
  peer: string | null;
  clearedAt: string | null;
  detail: string;
}

describe("relay: two participants that cannot reach each other, both reaching a third", () => {
  let tmp: TempDir;
  const stations: Record<"washington" | "moscow" | "paris", TestStation> = {} as never;
  const proxies: Record<"washington" | "moscow" | "paris", FaultProxy> = {} as never;
  let line: string;

  const log = (s: TestStation) => hotlineJson<LogEntry[]>(["log", "--line", line, "--dir", s.dir]);
  const textsOf = async (at: TestStation, author: TestStation) =>
    (await log(at)).filter((e) => e.author === author.id && e.kind === "text");
  const participantAt = async (at: TestStation, who: TestStation) =>
    (await hotlineJson<Status>(["status", "--dir", at.dir])).lines
      .find((l) => l.id === line)
      ?.participants.find((p) => p.id === who.id);
  const alarms = (at: TestStation) => hotlineJson<Alarm[]>(["alarms", "--all", "--dir", at.dir]);
  const send = (from: TestStation, text: string) =>
    hotlineJson(["send", "--line", line, text, "--dir", from.dir]);

  beforeAll(async () => {
    tmp = tempDir();
    for (const [key, name] of [
      ["washington", "Washington"],
      ["moscow", "Moscow"],
      ["paris", "Paris"],
    ] as const) {
      const proxyPort = await freePort();
      const station = await initStation(tmp.join(key), name, () => `https://127.0.0.1:${proxyPort}`);
      stations[key] = station;
      proxies[key] = await FaultProxy.start({
        listen: { host: "127.0.0.1", port: proxyPort },
        upstream: { host: "127.0.0.1", port: station.peerPort },
      });
      await startStation(station);
    }
    const { washington, moscow, paris } = stations;
    ({ line } = await pairOnLine(washington, [moscow, paris], "wmp"));
    await hotlineJson(["line", "set", "--line", line, "--test-interval", "1", "--dir", washington.dir]);
    // Paris joins a line Moscow is on: Moscow consents.
    await waitFor(
      async () =>
        (await hotline(["member", "approve", "--line", line, "Paris", "--dir", moscow.dir])).code === 0,
      { what: "Moscow approving Paris" },
    );
    await waitFor(
      async () => {
        for (const at of [washington, moscow, paris])
          for (const who of [washington, moscow, paris]) {
            if (at === who) continue;
            if ((await participantAt(at, who))?.health !== "up") return false;
          }
        return true;
      },
      { what: "every link up" },
    );
  });
  afterAll(async () => {
    for (const s of Object.values(stations)) await stopStation(s);
    for (const p of Object.values(proxies)) await p.close();
    tmp.remove();
  });

  it("carries messages both ways through Paris, marked as relayed, with Moscow's own receipts back", async () => {
    const { washington, moscow, paris } = stations;
    await send(washington, "direct");
    await waitFor(async () => (await textsOf(moscow, washington)).length === 1, {
      what: "the direct message",
    });

    // Nobody can reach Washington or Moscow any more; both still reach Paris.
    proxies.washington.cut();
    proxies.moscow.cut();
    await waitFor(async () => (await participantAt(washington, moscow))?.health === "down", {
      what: "Washington seeing Moscow down",
    });

    await send(washington, "through Paris 1");
    await send(washington, "through Paris 2");
    await send(moscow, "reply through Paris");
    // Paris cannot reach either of them: its own message arrives only because they pull it.
    await send(paris, "from Paris, whose pushes reach nobody");
    await waitFor(async () => (await textsOf(moscow, washington)).length === 3, {
      what: "Washington's messages at Moscow",
    });
    await waitFor(async () => (await textsOf(washington, moscow)).length === 1, {
      what: "Moscow's message at Washington",
    });
    for (const at of [washington, moscow])
      await waitFor(async () => (await textsOf(at, paris)).length === 1, {
        what: `Paris's message at ${at.name}, pulled`,
      });
    const atMoscow = await textsOf(moscow, washington);
    expect(atMoscow.slice(1).map((e) => [e.body.text, e.via?.name ?? null])).toEqual([
      ["through Paris 1", "Paris"],
      ["through Paris 2", "Paris"],
    ]);
    expect((await textsOf(washington, moscow))[0]?.via).toEqual({ station: paris.id, name: "Paris" });
    // Relay is told in the log too, as an event of its own.
    expect(moscow.output).toMatch(/"event":"entry\.relayed"/);

    // Moscow's own signed statement came back through Paris: Washington holds Moscow's receipt.
    await waitFor(
      async () => {
        const mine = (await textsOf(washington, washington)).at(-1);
        return mine !== undefined && mine.receipts[moscow.id] !== undefined;
      },
      { what: "Moscow's receipt at Washington, relayed" },
    );
    await waitFor(async () => (await participantAt(washington, moscow))?.outbox === 0, {
      what: "nothing pending for Moscow at Washington",
    });
    const seen = await participantAt(washington, moscow);
    expect(seen?.health).toBe("down");
    expect(seen?.relay).toMatchObject({ via: paris.id, viaName: "Paris" });
    const status = await hotline(["status", "--dir", washington.dir]);
    expect(status.stdout).toMatch(/reached only through Paris/);
    await waitFor(
      async () =>
        (await alarms(washington)).some(
          (a) => a.code === "LINK_RELAYED" && a.peer === moscow.id && a.clearedAt === null,
        ),
      { what: "LINK_RELAYED raised at Washington" },
    );
    // The consoles say it as plainly: Washington's board, Moscow's transcript (in Chromium).
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
      const board = await signInConsole(context, washington, "wmp");
      await board.getByText("only via Paris").first().waitFor({ timeout: 30_000 });
      const thread = await signInConsole(context, moscow, "wmp");
      await thread.getByRole("link", { name: "wmp" }).first().click();
      const relayed = thread.locator("article", { hasText: "through Paris 1" });
      await relayed.getByText("via Paris").waitFor({ timeout: 30_000 });
      if (process.env.HOTLINE_SCREENSHOTS !== undefined) {
        await board.screenshot({ path: `${process.env.HOTLINE_SCREENSHOTS}/relay-board.png` });
        await thread.screenshot({ path: `${process.env.HOTLINE_SCREENSHOTS}/relay-thread.png` });
      }
      await context.close();
    } finally {
      await browser.close();
    }

    // Each entry once, at every station: the relay neither lost nor doubled anything.
    for (const at of [washington, moscow, paris]) {
      const entries = await log(at);
      const places = entries.map((e) => `${e.author} ${e.seq}`);
      expect(new Set(places).size).toBe(places.length);
    }

    // The routes come back: the relay ends, and its alarm clears.
    proxies.washington.heal();
    proxies.moscow.heal();
    await waitFor(async () => (await participantAt(washington, moscow))?.relay === null, {
      what: "Moscow reached directly again",
    });
    await waitFor(
      async () => (await alarms(washington)).every((a) => a.code !== "LINK_RELAYED" || a.clearedAt !== null),
      { what: "LINK_RELAYED cleared" },
    );
    await send(washington, "direct again");
    await waitFor(async () => (await textsOf(moscow, washington)).length === 4, { what: "the last message" });
    expect((await hotline(["verify", "--dir", moscow.dir])).code).toBe(0);
    expect((await hotline(["verify", "--dir", washington.dir])).code).toBe(0);
  });
});
