import { describe, expect, it } from "vitest";
import { DEFAULT_PEER_SERVER_LIMITS } from "../peer/server.js";
import { peerLimitsFor } from "./runtime.js";

describe("the peer port's limits follow what station.json says a station waits for its peers", () => {
  it("unset: the defaults", () => {
    expect(peerLimitsFor(undefined)).toEqual({});
  });

  it("longer than the default request timeout: a request is answered within as long as its peer waits", () => {
    const limits = peerLimitsFor(142_500);
    expect(limits.requestTimeoutMs).toBe(142_500);
    expect(limits.pushQueue?.holdMs).toBe(28_500);
    // The queue's other bounds stay as they were.
    expect(limits.pushQueue?.entries).toBe(DEFAULT_PEER_SERVER_LIMITS.pushQueue.entries);
  });

  it("shorter: never below the default request timeout, the hold a fifth of it", () => {
    const limits = peerLimitsFor(5_000);
    expect(limits.requestTimeoutMs).toBe(DEFAULT_PEER_SERVER_LIMITS.requestTimeoutMs);
    expect(limits.pushQueue?.holdMs).toBe(1_000);
  });
});
