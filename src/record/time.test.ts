import { describe, expect, it } from "vitest";
import { TIME } from "./kinds.js";
import { normalizeTime } from "./time.js";

describe("normalizeTime()", () => {
  it("takes every RFC 3339 spelling of an instant and gives the one the record keeps", () => {
    const instant = "2030-10-17T00:00:00.000Z";
    for (const written of [
      "2030-10-17T00:00:00Z",
      "2030-10-17T00:00:00.000Z",
      "2030-10-17T00:00:00.0Z",
      "2030-10-17t00:00:00z",
      "2030-10-17T03:00:00+03:00",
      "2030-10-16T19:30:00-04:30",
      "2030-10-17T00:00:00+00:00",
      "2030-10-17T00:00:00.000999Z",
      " 2030-10-17T00:00:00Z ",
    ]) {
      expect(normalizeTime(written)).toBe(instant);
    }
    expect(normalizeTime("2030-10-17T00:00:00.5Z")).toBe("2030-10-17T00:00:00.500Z");
    expect(TIME.safeParse(normalizeTime("2030-10-17T00:00:00Z")).success).toBe(true);
  });

  it("gives back what is no RFC 3339 time unchanged, for the schema to refuse", () => {
    for (const bad of [
      "2030-10-17",
      "2030-10-17T00:00Z",
      "2030-10-17T00:00:00",
      "2030-02-30T00:00:00Z",
      "2030-10-17T24:00:00Z",
      "2030-10-17T00:00:60Z",
      "2030-10-17T00:00:00+24:00",
      "17/10/2030",
      "",
    ]) {
      expect(normalizeTime(bad)).toBe(bad);
      expect(TIME.safeParse(normalizeTime(bad)).success).toBe(false);
    }
  });
});
