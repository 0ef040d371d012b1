import { kinks } from "@turf/kinks";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selfIntersects } from "./self-intersection.js";

type Ring = [number, number][];

/** An open chain of positions on a small grid, so shared vertices, touches and collinear edges come up often. */
const chain = (grid: number, min: number, max: number) =>
  fc.array(fc.tuple(fc.integer({ min: 0, max: grid }), fc.integer({ min: 0, max: grid })), {
    minLength: min,
    maxLength: max,
  });
const closed = (positions: [number, number][]): Ring => [...positions, positions[0] as [number, number]];
const turfSays = (rings: Ring[]) => kinks({ type: "Polygon", coordinates: rings }).features.length > 0;

describe("selfIntersects()", () => {
  it("agrees with turf's kinks on small random rings", () => {
    fc.assert(
      fc.property(chain(4, 3, 9), (positions) => {
        const rings = [closed(positions)];
        expect(selfIntersects(rings)).toBe(turfSays(rings));
      }),
      { numRuns: 20_000 },
    );
  });

  it("agrees with turf's kinks on polygons with holes and on wider grids", () => {
    fc.assert(
      fc.property(chain(3, 3, 6), chain(3, 3, 5), (outer, hole) => {
        const rings = [closed(outer), closed(hole)];
        expect(selfIntersects(rings)).toBe(turfSays(rings));
      }),
      { numRuns: 10_000 },
    );
    fc.assert(
      fc.property(chain(1000, 3, 30), (positions) => {
        const rings = [closed(positions)];
        expect(selfIntersects(rings)).toBe(turfSays(rings));
      }),
      { numRuns: 3_000 },
    );
  });

  it("passes a square, a square with a hole and a star, and catches a bow tie and a touching hole", () => {
    const square: Ring = [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
    ];
    const hole: Ring = [
      [1, 1],
      [1, 2],
      [2, 2],
      [2, 1],
      [1, 1],
    ];
    expect(selfIntersects([square])).toBe(false);
    expect(selfIntersects([square, hole])).toBe(false);
    expect(selfIntersects([star(2_000)])).toBe(false);
    expect(
      selfIntersects([
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ]),
    ).toBe(true);
    expect(
      selfIntersects([
        square,
        [
          [0, 0],
          [1, 2],
          [2, 1],
          [0, 0],
        ],
      ]),
    ).toBe(true);
  });
});

/** A star with `n` vertices alternating between two radii: simple, with long thin spikes. */
function star(n: number): Ring {
  const ring: Ring = [];
  for (let i = 0; i < n; i++) {
    const angle = (2 * Math.PI * i) / n;
    const r = i % 2 === 0 ? 1 : 0.2;
    ring.push([r * Math.cos(angle), r * Math.sin(angle)]);
  }
  return closed(ring);
}
