import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { circleRing, type Position } from "../../record/mod.js";
import { areasOverlap, overlapArea } from "./geometry.js";

type Area = Position[][][];

const square = (x: number, y: number, size: number): Position[] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const triangle = (x: number, y: number, size: number): Position[] => [
  [x, y],
  [x + size, y],
  [x, y + size],
  [x, y],
];

/**
 * Shapes on a coarse grid, so that shared edges, shared corners, collinear edges and one shape
 * inside another (or inside a hole) come up often, not only clean crossings.
 */
const AREA: fc.Arbitrary<Area> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 6 }))
    .map(([x, y, s]): Area => [[square(x, y, s)]]),
  fc
    .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 6 }))
    .map(([x, y, s]): Area => [[triangle(x, y, s)]]),
  // A square with a square hole
  fc
    .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }))
    .map(([x, y]): Area => [[square(x, y, 5), square(x + 1, y + 1, 3).reverse()]]),
  fc
    .tuple(
      fc.integer({ min: 0, max: 8 }),
      fc.integer({ min: 0, max: 8 }),
      fc.integer({ min: 10_000, max: 300_000 }),
    )
    .map(([x, y, r]): Area => [[circleRing({ center: [x, y], radiusMeters: r })]]),
  // Two parts
  fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
    .map(([x, y]): Area => [[square(x, y, 2)], [square(x + 4, y + 4, 2)]]),
);

describe("areasOverlap()", () => {
  it("agrees with turf's intersection on shapes that touch, nest, cross and hold holes", () => {
    fc.assert(
      fc.property(AREA, AREA, (a, b) => {
        const exact = overlapArea(a, b) !== null;
        expect(areasOverlap(a, b)).toBe(exact);
        expect(areasOverlap(b, a)).toBe(exact);
      }),
      { numRuns: 3000 },
    );
  });

  it("sees one shape wholly inside another, a shape in a hole, a shared edge and a shared corner", () => {
    expect(areasOverlap([[square(0, 0, 10)]], [[square(2, 2, 1)]])).toBe(true);
    expect(areasOverlap([[square(2, 2, 1)]], [[square(0, 0, 10)]])).toBe(true);
    expect(areasOverlap([[square(0, 0, 10), square(2, 2, 5).reverse()]], [[square(3, 3, 1)]])).toBe(false);
    expect(areasOverlap([[square(0, 0, 10), square(2, 2, 5).reverse()]], [[square(1, 1, 1)]])).toBe(true);
    expect(areasOverlap([[square(0, 0, 1)]], [[square(1, 0, 1)]])).toBe(false);
    expect(areasOverlap([[square(0, 0, 1)]], [[square(1, 1, 1)]])).toBe(false);
    expect(areasOverlap([[square(0, 0, 2)]], [[square(0, 0, 2)]])).toBe(true);
  });
});
