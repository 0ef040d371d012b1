import { describe, expect, it } from "vitest";
import { completeClock, isoNow, systemClock } from "./clock.js";
import { ManualClock } from "./manual-clock.js";

describe("ManualClock", () => {
  it("advance() fires each due timer at its own time, in order; later ones wait", async () => {
    const clock = new ManualClock({ start: "2026-01-01T00:00:00.000Z" });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${isoNow(clock)}`), 300);
    clock.setTimeout(() => fired.push(`a@${isoNow(clock)}`), 100);
    clock.setTimeout(() => fired.push(`late@${isoNow(clock)}`), 1_000);
    await clock.advance(500);
    expect(fired).toEqual(["a@2026-01-01T00:00:00.100Z", "b@2026-01-01T00:00:00.300Z"]);
    expect(clock.now()).toBe(Date.parse("2026-01-01T00:00:00.500Z"));
    expect(clock.nextAt()).toBe(Date.parse("2026-01-01T00:00:01.000Z"));
    await clock.advance(499);
    expect(fired).toHaveLength(2);
    await clock.advance(1);
    expect(fired.at(-1)).toBe("late@2026-01-01T00:00:01.000Z");
    expect(clock.pending).toBe(0);
  });

  it("a timer set by a timer, or by what it awaited, fires in the same advance when due", async () => {
    const clock = new ManualClock({ start: 0 });
    const at: number[] = [];
    const tick = async () => {
      await Promise.resolve();
      at.push(clock.now());
      if (at.length < 4) clock.setTimeout(() => void tick(), 250);
    };
    clock.setTimeout(() => void tick(), 250);
    await clock.advance(1_000);
    expect(at).toEqual([250, 500, 750, 1_000]);
  });

  it("an interval fires every period until cleared; a cleared timeout never fires", async () => {
    const clock = new ManualClock({ start: 0 });
    const at: number[] = [];
    const interval = clock.setInterval(() => at.push(clock.now()), 1_000);
    const never = clock.setTimeout(() => at.push(-1), 1_500);
    clock.clearTimer(never);
    await clock.advance(3_500);
    expect(at).toEqual([1_000, 2_000, 3_000]);
    clock.clearTimer(interval);
    await clock.advance(10_000);
    expect(at).toHaveLength(3);
  });

  it("its randomness is in [0, 1) and the same for the same seed", () => {
    const draws = (seed: number) => {
      const clock = new ManualClock({ seed });
      return Array.from({ length: 100 }, () => clock.random());
    };
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
    expect(draws(7).every((r) => r >= 0 && r < 1)).toBe(true);
    expect(new ManualClock({ random: () => 0.25 }).random()).toBe(0.25);
  });
});

describe("completeClock()", () => {
  it("a clock that only tells the time keeps the system's timers and randomness", async () => {
    let t = 42;
    const clock = completeClock({ now: () => t });
    t = 43;
    expect(clock.now()).toBe(43);
    const r = clock.random();
    expect(r >= 0 && r < 1).toBe(true);
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 1));
    expect(completeClock(systemClock)).toBe(systemClock);
    const manual = new ManualClock();
    expect(completeClock(manual)).toBe(manual);
  });
});
