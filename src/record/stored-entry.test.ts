import { describe, expect, it } from "vitest";
import { TestLine, makeStation } from "./_testing.js";
import type { SealedEntry } from "./entry.js";
import { HotlineError } from "./errors.js";
import { readStoredEntry } from "./stored-entry.js";

const moscow = makeStation("Moscow");

/** @returns an entry as a store keeps it: its bytes, filed under its hash and kind */
function stored(sealed: SealedEntry, change: { kind?: string; bytes?: unknown } = {}) {
  return {
    hash: sealed.hash,
    kind: change.kind ?? sealed.entry.kind,
    bytes: (change.bytes ?? sealed.bytes) as Buffer,
  };
}

function thrown(run: () => unknown): HotlineError {
  try {
    run();
  } catch (error) {
    if (error instanceof HotlineError) return error;
    throw error;
  }
  throw new Error("expected a HotlineError");
}

describe("readStoredEntry()", () => {
  const line = TestLine.open(moscow);
  const text = line.say(moscow, "Exercise at 06:00.", { precedence: "FLASH" });

  it("reads a stored entry back as the entry that was written, typed by its kind", () => {
    const entry = readStoredEntry(stored(text), "text");
    expect(entry).toEqual(text.entry);
    // The body is typed by the kind: no cast needed to read its fields.
    expect(entry.body.precedence).toBe("FLASH");
    expect(readStoredEntry(stored(text))).toEqual(text.entry);
  });

  it("refuses an entry read as another kind than it was filed under, with STORE_DAMAGED", () => {
    const error = thrown(() => readStoredEntry(stored(text), "ack"));
    expect(error.code).toBe("STORE_DAMAGED");
    expect(error.message).toBe(
      `Cannot read stored entry ${text.hash.slice(0, 12)}: it is filed as text, not ack (the database was changed or damaged; run 'hotline verify')`,
    );
    expect(error.place.hash).toBe(text.hash);
  });

  it("a corrupt stored entry is STORE_DAMAGED naming the entry and what is wrong, never a crash", () => {
    const corrupt = (bytes: unknown) => thrown(() => readStoredEntry(stored(text, { bytes }), "text"));
    expect(corrupt(Buffer.from('{"v":1,"kind":"te'))).toMatchObject({
      code: "STORE_DAMAGED",
      message: expect.stringMatching(/: its bytes are not JSON \(/) as unknown,
    });
    expect(corrupt(text.bytes.toString("utf8")).message).toMatch(/: its bytes are string, not bytes/);
    expect(corrupt(Buffer.from("null")).code).toBe("STORE_DAMAGED");
    const noBody = { ...text.entry, body: { text: "x" } };
    expect(corrupt(Buffer.from(JSON.stringify(noBody))).message).toMatch(
      /^Cannot read stored entry [0-9a-f]{12}: body\./,
    );
    // Bytes of another kind filed as a text: the row and the bytes disagree.
    const [genesis] = line.entries;
    const swapped = thrown(() =>
      readStoredEntry({ hash: text.hash, kind: "text", bytes: (genesis as SealedEntry).bytes }),
    );
    expect(swapped.message).toMatch(/its bytes hold a line\.genesis, though it is filed as text/);
  });
});
