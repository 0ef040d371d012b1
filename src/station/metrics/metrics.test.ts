import type * as PromClient from "prom-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import type { Outbox } from "../delivery/mod.js";
import type { LinkMonitor } from "../links/mod.js";
import { StationMetrics } from "./metrics.js";

const { collected } = vi.hoisted(() => ({ collected: { times: 0 } }));
vi.mock("prom-client", async (original) => {
  const actual = await original<typeof PromClient>();
  return {
    ...actual,
    collectDefaultMetrics: (...args: Parameters<typeof actual.collectDefaultMetrics>) => {
      collected.times++;
      actual.collectDefaultMetrics(...args);
    },
  };
});

/** What a scrape needs besides the station: nothing waits, no link tested yet. */
const outbox = { pending: () => Promise.resolve(0) } as unknown as Outbox;
const monitor = { state: () => null } as unknown as LinkMonitor;

describe("the station's metrics", () => {
  const pairs: InProcessPair[] = [];
  afterEach(async () => {
    for (const p of pairs.splice(0)) await p.close();
  });

  it("the process metrics (their event-loop monitor wakes the process every 10 ms) start at the first scrape, not with the station, and once per process", async () => {
    const p = await inProcessPair("2026-11-23T06:00:00.000Z");
    pairs.push(p);
    const metrics = new StationMetrics(p.washington, { outbox, monitor });
    metrics.start();
    const other = new StationMetrics(p.moscow, { outbox, monitor });
    expect(collected.times).toBe(0);
    expect(metrics.contentType).toMatch(/^text\/plain/);
    expect(collected.times).toBe(0);

    const text = await metrics.scrape();
    expect(collected.times).toBe(1);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^hotline_link_state\{.*peer="Moscow".*\} -1$/m);
    expect(await other.scrape()).toMatch(/^nodejs_eventloop_lag_seconds /m);
    await metrics.scrape();
    expect(collected.times).toBe(1);
    metrics.stop();
  });
});
