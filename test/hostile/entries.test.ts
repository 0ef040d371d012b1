/**
 * A paired peer pushes entries it signed validly with its own key, each built to do harm: after
 * each, the victim answered 4xx with the expected code, stored nothing it should not, its record
 * still verifies, and the line still carries a message both ways.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/record/mod.js";
import { assertLineWorks, expectIntact, expectRefused, rssMiB, sleep } from "./_harness.js";
import { bilateral, hashOf, type Bilateral, type Wire } from "./_mallory.js";

let scene: Bilateral | undefined;
afterEach(async () => {
  await scene?.h.close();
  scene = undefined;
});

/** @returns a fresh victim and scripted peer on a line */
async function setUp(): Promise<Bilateral> {
  scene = await bilateral();
  return scene;
}

/** After a refusal: the entries are not stored, the record verifies, and the line works both ways. */
async function expectUnharmed({ a, m, line }: Bilateral, refused: readonly Wire[]): Promise<void> {
  for (const entry of refused) expect(await a.station.store.entryByHash(hashOf(entry))).toBeNull();
  await expectIntact(a);
  await assertLineWorks(a, m, line);
}

const hour = 3_600_000;

/** @returns a valid `notify` body with one small square volume, starting some hours from now */
function notifyBody(startsInHours: number): Record<string, unknown> {
  const start = new Date(Date.now() + startsInHours * hour).toISOString();
  const end = new Date(Date.now() + (startsInHours + 2) * hour).toISOString();
  return {
    type: "exercise",
    title: "Exercise north of the strait",
    description: "",
    volumes: [
      {
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [30, 40],
              [31, 40],
              [31, 41],
              [30, 41],
              [30, 40],
            ],
          ],
        },
        altitude: { minMeters: 0, maxMeters: 10_000, ref: "MSL" },
        time: { start, end },
      },
    ],
    operator: "mallory",
  };
}

/**
 * A star polygon whose every edge crosses most others: n points on a circle joined k apart.
 *
 * @param positions positions in the ring, the closing one included
 * @param center [lon, lat]
 * @returns the ring
 */
function star(positions: number, center: [number, number]): [number, number][] {
  const n = positions - 1;
  const k = Math.floor(n / 2); // n is prime below (1999): every k gives one ring through all points
  const ring: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const angle = (2 * Math.PI * ((i * k) % n)) / n;
    const round = (x: number) => Math.round(x * 1000) / 1000;
    ring.push([round(center[0] + 5 * Math.cos(angle)), round(center[1] + 5 * Math.sin(angle))]);
  }
  ring.push(ring[0] as [number, number]);
  return ring;
}

/** @returns a `notify` body whose volumes are 2,000-position star polygons */
function geometryBomb(stars: number): Record<string, unknown> {
  const body = notifyBody(24);
  const [volume] = body.volumes as Record<string, unknown>[];
  body.volumes = Array.from({ length: stars }, (_, i) => ({
    ...volume,
    geometry: { type: "Polygon", coordinates: [star(2000, [20 + 12 * i, 30])] },
  }));
  return body;
}

describe("entries a paired peer signs validly, built to do harm", () => {
  it("an entry whose seen names a hash the victim does not hold is refused with UNKNOWN_SEEN, and the victim's verify stays clean", async () => {
    const s = await setUp();
    const entry = await s.mal.text(s.line, "I answer what you never wrote.", {
      seen: { [s.a.id]: sha256Hex("an entry nobody wrote") },
    });
    expectRefused(await s.mal.push(s.line, [entry]), 400, "UNKNOWN_SEEN");
    await expectUnharmed(s, [entry]);
  });

  it("an entry dated 1970, before its chain's previous entry, is refused with BACKDATED", async () => {
    const s = await setUp();
    const entry = await s.mal.text(s.line, "Written long ago.", { time: "1970-01-01T00:00:00.000Z" });
    expectRefused(await s.mal.push(s.line, [entry]), 400, "BACKDATED");
    await expectUnharmed(s, [entry]);
  });

  it("a notification dated 72 hours back, just after the peer's own signed heads, is refused with BACKDATED", async () => {
    const s = await setUp();
    const heads: Record<string, { seq: number; hash: string }> = {};
    for (const h of await s.m.station.store.heads(s.line)) heads[h.author] = { seq: h.seq, hash: h.hash };
    expect((await s.mal.heads(s.line, heads)).status).toBe(200);
    const entry = await s.mal.entry(s.line, "notify", notifyBody(2), {
      time: new Date(Date.now() - 72 * hour).toISOString(),
    });
    expectRefused(await s.mal.push(s.line, [entry]), 400, "BACKDATED");
    await expectUnharmed(s, [entry]);
  });

  it("line settings that would make the victim work every second are refused with SCHEMA", async () => {
    const s = await setUp();
    const everySecond = await s.mal.entry(s.line, "line.settings", {
      presenceSchedule: "* * * * * *",
      operator: "mallory",
    });
    expectRefused(await s.mal.push(s.line, [everySecond]), 400, "SCHEMA");
    const oneSecond = await s.mal.entry(s.line, "line.settings", {
      presenceDeadline: 1,
      operator: "mallory",
    });
    expectRefused(await s.mal.push(s.line, [oneSecond]), 400, "SCHEMA");
    expect((await s.a.station.settings(s.line)).presenceSchedule).not.toBe("* * * * * *");
    await expectUnharmed(s, [everySecond, oneSecond]);
  });

  it("50 equivocating entries are each refused with EQUIVOCATION, raise one alarm counting 50, and keep bounded evidence", async () => {
    const s = await setUp();
    const held = await s.a.station.store.head(s.line, s.mal.id);
    if (held === null) throw new Error("the victim holds no chain of Mallory's");
    const prev = (await s.a.station.store.entryAt(s.line, s.mal.id, held.seq - 1))?.hash ?? null;
    const forks: Wire[] = [];
    for (let i = 0; i < 50; i++) {
      const fork = await s.mal.text(s.line, `Another history, number ${i}.`, { seq: held.seq, prev });
      forks.push(fork);
      expectRefused(await s.mal.push(s.line, [fork]), 409, "EQUIVOCATION");
    }
    const alarms = (await s.a.station.store.alarms({ all: true })).filter(
      (alarm) => alarm.code === "EQUIVOCATION" && alarm.line === s.line,
    );
    expect(alarms, "one EQUIVOCATION alarm, however many forks").toHaveLength(1);
    expect(alarms[0]).toMatchObject({ peer: s.mal.id, count: 50 });
    const evidence = (await s.a.station.store.evidence(s.line)).filter((e) => e.author === s.mal.id);
    expect(evidence.length).toBeGreaterThan(0);
    expect(evidence.length).toBeLessThanOrEqual(16);
    await expectUnharmed(s, forks);
  });

  it("a geometry bomb (three 2,000-position star polygons) is refused within seconds, and the victim answers others meanwhile", async () => {
    const s = await setUp();
    const bomb = await s.mal.entry(s.line, "notify", geometryBomb(3));
    const before = rssMiB();
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const sent = s.mal.push(s.line, [bomb]);
    // Requests while the bomb is being checked: the victim must keep answering them.
    const others = [];
    for (let i = 0; i < 4; i++) {
      await sleep(250);
      others.push(s.mal.entries(s.line, s.a.id));
    }
    const answer = await sent;
    stalls.disable();
    for (const other of await Promise.all(others)) expect(other.status).toBe(200);
    // The victim runs in this process: its event loop is this one.
    expect(stalls.max / 1e6, "longest stall of the victim's event loop, ms").toBeLessThan(1_000);
    // 3 × ~32 KB is over the 64 KiB entry limit: refused for its size when size is checked first.
    expectRefused(answer, [400, 413], ["TOO_COMPLEX", "SCHEMA", "TOO_LARGE"]);
    expect(answer.ms, "the bomb is refused within 5 s").toBeLessThan(5_000);
    expect(rssMiB() - before, "MiB the bomb added").toBeLessThan(100);
    await expectUnharmed(s, [bomb]);
  });

  it("one 2,000-position star polygon (under the entry limit) is refused with TOO_COMPLEX or SCHEMA without stalling the victim", async () => {
    const s = await setUp();
    const bomb = await s.mal.entry(s.line, "notify", geometryBomb(1));
    expect(JSON.stringify(bomb).length).toBeLessThan(64 * 1024);
    const before = rssMiB();
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const answer = await s.mal.push(s.line, [bomb]);
    stalls.disable();
    expectRefused(answer, 400, ["TOO_COMPLEX", "SCHEMA"]);
    expect(answer.ms, "the bomb is refused within 5 s").toBeLessThan(5_000);
    expect(stalls.max / 1e6, "longest stall of the victim's event loop, ms").toBeLessThan(1_000);
    expect(rssMiB() - before, "MiB the bomb added").toBeLessThan(100);
    await expectUnharmed(s, [bomb]);
  });

  it("a JSON body of 700,000 keys is refused with TOO_COMPLEX, and so is one nested 200 deep", async () => {
    const s = await setUp();
    const keys = Array.from({ length: 700_000 }, (_, i) => `"${i.toString(36)}":0`).join(",");
    const wide = `{"line":"${s.line}","entries":[{}],${keys}}`;
    expect(wide.length).toBeLessThan(8 * 1024 * 1024);
    const before = rssMiB();
    expectRefused(await s.mal.call({ path: "/peer/v1/push", body: wide }), 400, "TOO_COMPLEX");
    expect(rssMiB() - before, "MiB the wide body added").toBeLessThan(100);
    const deep = `{"line":"${s.line}","entries":[${"[".repeat(200)}${"]".repeat(200)}]}`;
    expectRefused(await s.mal.call({ path: "/peer/v1/push", body: deep }), 400, "TOO_COMPLEX");
    await expectUnharmed(s, []);
  });

  it("a push carrying an entry of another line is refused with BAD_LINE", async () => {
    const s = await setUp();
    const elsewhere = await s.mal.text(s.line, "Meant for another line.", {
      line: sha256Hex("another line"),
    });
    const answer = await s.mal.push(s.line, [elsewhere]);
    expectRefused(answer, 400, "BAD_LINE");
    expect(answer.body).not.toHaveProperty("statement");
    await expectUnharmed(s, [elsewhere]);
  });

  it("route announcements that are not https://HOST:PORT, too many, or repeat a name or URL are refused with SCHEMA", async () => {
    const s = await setUp();
    const route = (name: string, url: string, priority = 0) => ({ name, url, priority });
    const bad = [
      [route("primary", "http://127.0.0.1:7443")],
      [route("primary", "https://user:pw@127.0.0.1:7443")],
      [route("primary", "https://127.0.0.1:7443/peer/v1/pair")],
      [route("primary", "https://127.0.0.1:70000")],
      [route("primary", `https://${"a".repeat(400)}.example:7443`)],
      // hosts shaped to make a backtracking pattern take exponential time (30 characters took 10 s)
      [route("primary", `https://${"a".repeat(280)}!:1`)],
      [route("primary", `https://${"a-".repeat(140)}!:1`)],
      [route("Primary", "https://127.0.0.1:7443")],
      [route("a", "https://10.0.0.1:1"), route("a", "https://10.0.0.2:1")],
      [route("a", "https://10.0.0.1:1"), route("b", "https://10.0.0.1:1")],
      Array.from({ length: 9 }, (_, i) => route(`r${i}`, `https://10.0.0.${i}:7443`)),
      [],
    ];
    const refused: Wire[] = [];
    for (const routes of bad) {
      const entry = await s.mal.entry(s.line, "route.announce", { routes, operator: "mallory" });
      const answer = await s.mal.push(s.line, [entry]);
      expectRefused(answer, 400, "SCHEMA");
      expect(answer.ms, "refused without a long computation").toBeLessThan(5_000);
      refused.push(entry);
    }
    // Its own routes, well formed, it may announce: they name where Mallory is, nobody else.
    const good = await s.mal.entry(s.line, "route.announce", {
      routes: [route("primary", "https://127.0.0.1:7443"), route("backup", "https://10.0.0.9:7443", 10)],
      operator: "mallory",
    });
    expect((await s.mal.push(s.line, [good])).status).toBe(200);
    const lines = await s.a.station.lines();
    const others = lines[0]?.participants.filter((p) => p.id !== s.mal.id) ?? [];
    expect(others.every((p) => p.routes.every((r) => !r.url.includes("10.0.0.9")))).toBe(true);
    await expectUnharmed(s, refused);
  });
});
