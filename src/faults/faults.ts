import { z } from "zod";

/**
 * Which way bytes travel through a proxy: `up` from the client to the upstream station, `down`
 * back. A one-way fault is the nasty kind a real network produces (requests arrive, answers do not).
 */
export const DIRECTION = z.enum(["none", "up", "down", "both"]);
export type Direction = z.infer<typeof DIRECTION>;

/**
 * The faults a proxy injects, all at once if need be. Every field is bounded, so a mistyped
 * control request cannot wedge the proxy for hours.
 */
export const FAULTS = z
  .object({
    /** added to every chunk, each way (a round trip gains twice this) */
    latencyMs: z.number().int().min(0).max(60_000),
    /** up to this much more, drawn per chunk from the proxy's seeded random source */
    jitterMs: z.number().int().min(0).max(60_000),
    /**
     * The share of chunks "lost" on the wire. TCP never loses bytes, it resends them: a lost chunk
     * arrives `retransmitMs` late, and holds back every chunk behind it, as on a real link.
     */
    lossRate: z.number().min(0).max(1),
    /** the delay of a lost chunk, a typical first TCP retransmission timeout */
    retransmitMs: z.number().int().min(0).max(60_000),
    /** bytes per second each way; null: unlimited */
    bytesPerSecond: z.number().int().min(1).max(10_000_000_000).nullable(),
    /** bytes this way vanish; connections stay open (half-open, the hardest failure to see) */
    blackhole: DIRECTION,
    /** new connections are reset at once, as by a closed port */
    refuse: z.boolean(),
    /** the share of new connections reset at once */
    dropRate: z.number().min(0).max(1),
  })
  .strict();
export type Faults = z.infer<typeof FAULTS>;

/** Some faults to change; the fields left out (or undefined) stay as they are. */
export type FaultChange = { [K in keyof Faults]?: Faults[K] | undefined };

/** A proxy without faults: bytes pass as they come. */
export const HEALTHY: Faults = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  lossRate: 0,
  retransmitMs: 200,
  bytesPerSecond: null,
  blackhole: "none",
  refuse: false,
  dropRate: 0,
});

/**
 * @param direction a fault's direction
 * @param way the way bytes are going
 * @returns whether the fault applies to bytes going that way
 */
export function appliesTo(direction: Direction, way: "up" | "down"): boolean {
  return direction === "both" || direction === way;
}
