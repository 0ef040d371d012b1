import { describe, expect, it } from "vitest";
import { afterTest, quantile, recentRtts, untestedLink, type LinkState, type TestResult } from "./health.js";

const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 3, 0, s)).toISOString();
const ok = (s: number, rttMs = 2): TestResult => ({ at: at(s), ok: true, rttMs });
const fail = (s: number): TestResult => ({
  at: at(s),
  ok: false,
  error: "PEER_UNREACHABLE: connection refused",
});

function run(results: readonly TestResult[], state: LinkState = untestedLink()): LinkState[] {
  const states: LinkState[] = [];
  for (const r of results) states.push((state = afterTest(state, r)));
  return states;
}

describe("link health", () => {
  it("a link not yet tested is unknown; a good test makes it up, with its round trip", () => {
    expect(untestedLink().health).toBe("unknown");
    const [first] = run([ok(0, 3.5)]);
    expect(first).toMatchObject({
      health: "up",
      rttMs: 3.5,
      lastOkAt: at(0),
      lastTestAt: at(0),
      failures: 0,
    });
  });

  it("one failed test makes it degraded, the second in a row down; the last good test is remembered", () => {
    const states = run([ok(0), fail(5), fail(10)]);
    expect(states.map((s) => s.health)).toEqual(["up", "degraded", "down"]);
    expect(states[2]).toMatchObject({ failures: 2, lastOkAt: at(0), lastTestAt: at(10) });
    expect(states[2]?.lastError).toMatch(/connection refused/);
  });

  it("a single good test brings a down link straight back up", () => {
    const states = run([fail(0), fail(5), fail(10), ok(15)]);
    expect(states.map((s) => s.health)).toEqual(["degraded", "down", "down", "up"]);
    expect(states[3]?.failures).toBe(0);
  });

  it("a slow answer (over 1 s) is degraded, not up", () => {
    expect(run([ok(0, 1_500)])[0]?.health).toBe("degraded");
    expect(run([ok(0, 1_500), ok(5, 4)])[1]?.health).toBe("up");
  });

  it("the rules are the caller's: down after 3 failures, degraded over 100 ms", () => {
    const rules = { downAfter: 3, degradedRttMs: 100 };
    let state = untestedLink();
    const seen = [fail(0), fail(1), fail(2), ok(3, 150)].map(
      (r) => (state = afterTest(state, r, rules)).health,
    );
    expect(seen).toEqual(["degraded", "degraded", "down", "degraded"]);
  });

  it("keeps the round trips of the last hour, at most 1,000, for percentiles", () => {
    const states = run(Array.from({ length: 1_150 }, (_, i) => ok(i, i)));
    const last = states.at(-1) as LinkState;
    expect(last.rtts).toHaveLength(1_000);
    expect(last.rtts[0]).toEqual({ at: Date.parse(at(150)), ms: 150 });
    const ms = last.rtts.map((s) => s.ms);
    expect(quantile(ms, 0.5)).toBe(649);
    expect(quantile(ms, 0.95)).toBe(1_099);
    expect(quantile([], 0.5)).toBeNull();

    // A test every 10 s for 2 hours: only the last hour's 361 are kept (the newest and 360 before it).
    let state = untestedLink();
    for (let i = 0; i <= 720; i++) state = afterTest(state, ok(i * 10, i));
    expect(state.rtts).toHaveLength(361);
    expect(state.rtts[0]?.ms).toBe(360);
    expect(recentRtts(state.rtts, Date.parse(at(7_200 + 1_800))).map((s) => s.ms)[0]).toBe(540);
  });
});
