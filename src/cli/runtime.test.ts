import { describe, expect, it } from "vitest";
import { DEFAULT_PEER_SERVER_LIMITS } from "../peer/server.js";
import { peerLimitsFor } from "./runtime.js";

describe("the peer port's limits follow what station.json says a station waits for its peers", () => {
  it("unset: the defaults", () => {
    expect(peerLimitsFor(undefined)).toEqual({});
  });

  it("long: a handshake, a request and a quiet connection are given as long as the peer waits", () => {
    const limits = peerLimitsFor(142_500);
    expect(limits.requestTimeoutMs).toBe(142_500);
    expect(limits.handshakeTimeoutMs).toBe(142_500);
    expect(limits.idleTimeoutMs).toBe(142_500);
    expect(limits.pushQueue?.holdMs).toBe(28_500);
    // The queue's other bounds stay as they were.
    expect(limits.pushQueue?.entries).toBe(DEFAULT_PEER_SERVER_LIMITS.pushQueue.entries);
  });

  it("short: never below the defaults, the hold a fifth of it", () => {
    const limits = peerLimitsFor(5_000);
    expect(limits.requestTimeoutMs).toBe(DEFAULT_PEER_SERVER_LIMITS.requestTimeoutMs);
    expect(limits.handshakeTimeoutMs).toBe(DEFAULT_PEER_SERVER_LIMITS.handshakeTimeoutMs);
    expect(limits.idleTimeoutMs).toBe(DEFAULT_PEER_SERVER_LIMITS.idleTimeoutMs);
    expect(limits.pushQueue?.holdMs).toBe(1_000);
  });
});
