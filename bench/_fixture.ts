/** Stations for the benchmark, in a temporary directory that is removed afterwards. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Station, initStation, type Draft } from "../src/station/mod.js";

/** A temporary directory; `remove()` deletes it and everything in it. */
export interface TempRoot {
  path: string;
  remove(): void;
}

/** @returns a fresh temporary directory */
export function tempRoot(): TempRoot {
  const path = mkdtempSync(join(tmpdir(), "hotline-bench-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Creates a station in `dir` and opens it, with one line.
 *
 * @param dir an empty or missing directory
 * @param name the station's name
 * @returns the open station and its line id
 */
export async function benchStation(dir: string, name: string): Promise<{ station: Station; line: string }> {
  await initStation({ dir, name });
  const station = await Station.open({ dir });
  const line = (await station.createLine({ name: `${name.toLowerCase()}-bench`, operator: "admin" })).id;
  return { station, line };
}

/**
 * @param i a message number
 * @returns a message text of typical length (about 80 characters)
 */
export function messageText(i: number): string {
  return `Message ${String(i).padStart(6, "0")}: scheduled line test, read and understood requested.`;
}

/**
 * @param i a message number
 * @returns a text draft, as an operator writes it
 */
export function textDraft(i: number): Draft {
  return {
    kind: "text",
    body: { text: messageText(i), lang: "en", precedence: "ROUTINE", operator: "admin" },
  };
}

/**
 * @param count how many drafts
 * @param start number of the first
 * @returns text drafts numbered from `start`
 */
export function textDrafts(count: number, start: number): Draft[] {
  return Array.from({ length: count }, (_, k) => textDraft(start + k));
}
