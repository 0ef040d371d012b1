import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TestLine, makeStation, signWithKey, timeAt } from "./_testing.js";
import type { SealedEntry } from "./entry.js";
import {
  MAX_ENTRY_BYTES,
  canonicalJson,
  hasValidSignature,
  openEntry,
  parseEntry,
  placeOf,
  seal,
  sha256Hex,
  signEntry,
  signingBytes,
} from "./entry.js";
import { HotlineError, isHotlineError } from "./errors.js";
import { PRECEDENCES } from "./kinds.js";
import type { Entry, EntryOf, UnsignedEntry } from "./kinds.js";

const moscow = makeStation("Moscow");
const washington = makeStation("Washington");

function thrown(run: () => unknown): HotlineError {
  try {
    run();
  } catch (error) {
    if (error instanceof HotlineError) return error;
    throw error;
  }
  throw new Error("expected the call to throw a HotlineError");
}

/** A line with Moscow's genesis and Washington added, and the envelope of Moscow's next text. */
function textDraft(text = "Two Tu-95 will transit the Norwegian Sea at 0600Z."): {
  line: TestLine;
  unsigned: Omit<EntryOf<"text">, "sig">;
} {
  const line = TestLine.open(moscow);
  line.add(moscow, washington);
  return {
    line,
    unsigned: {
      ...line.next(moscow),
      kind: "text",
      body: { text, lang: "en", precedence: "IMMEDIATE", operator: "duty-officer" },
    },
  };
}

/** Passes a deliberately ill-typed value where the types would not let it go. */
function illTyped<T>(value: unknown): T {
  return value as T;
}

describe("signEntry()", () => {
  it("signEntry() makes an entry whose signature is valid, with canonical bytes and their hash", () => {
    const { unsigned } = textDraft();
    const sealed = signEntry(unsigned, moscow.identity);
    expect(sealed.entry).toEqual({ ...unsigned, sig: sealed.entry.sig });
    expect(sealed.entry.sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(hasValidSignature(sealed.entry)).toBe(true);
    expect(sealed.bytes.toString("utf8")).toBe(canonicalJson(sealed.entry));
    expect(sealed.hash).toBe(sha256Hex(sealed.bytes));
  });

  it("signEntry() signs the canonical JSON of the entry without sig", () => {
    const { unsigned } = textDraft();
    const sealed = signEntry(unsigned, moscow.identity);
    expect(signingBytes(sealed.entry).toString("utf8")).toBe(canonicalJson(unsigned));
    expect(signingBytes(unsigned)).toEqual(signingBytes(sealed.entry));
    expect(signingBytes(sealed.entry).toString("utf8")).not.toContain('"sig"');
  });

  it("signEntry() refuses an author that is not the identity with UNKNOWN_AUTHOR", () => {
    const { unsigned } = textDraft();
    const error = thrown(() => signEntry(unsigned, washington.identity));
    expect(error.code).toBe("UNKNOWN_AUTHOR");
    expect(error.message).toBe("Cannot sign an entry for another station's chain");
  });

  it.each<[string, (u: Omit<EntryOf<"text">, "sig">) => unknown, string]>([
    ["empty text", (u) => ({ ...u, body: { ...u.body, text: "" } }), "body.text: must not be empty"],
    ["blank text", (u) => ({ ...u, body: { ...u.body, text: " \n\t " } }), "body.text: must not be empty"],
    ["a bad precedence", (u) => ({ ...u, body: { ...u.body, precedence: "URGENT" } }), "body.precedence: "],
    [
      "a bad lang tag",
      (u) => ({ ...u, body: { ...u.body, lang: "not a tag!" } }),
      "body.lang: must be a BCP 47 language tag such as 'en' or 'ru'",
    ],
    [
      "an unknown field in body",
      (u) => ({ ...u, body: { ...u.body, colour: "red" } }),
      'body: Unrecognized key: "colour"',
    ],
    ["an unknown top-level field", (u) => ({ ...u, extra: 1 }), 'value: Unrecognized key: "extra"'],
    ["seq 0", (u) => ({ ...u, seq: 0 }), "seq: "],
    ["seq 1.5", (u) => ({ ...u, seq: 1.5 }), "seq: "],
    [
      "a time without milliseconds",
      (u) => ({ ...u, time: "2026-11-23T05:45:00Z" }),
      "time: must be a real UTC ISO 8601 time with milliseconds",
    ],
    [
      "a time with an offset",
      (u) => ({ ...u, time: "2026-11-23T05:45:00.000+03:00" }),
      "time: must be a real UTC ISO 8601 time with milliseconds",
    ],
    [
      "a time that is no date",
      (u) => ({ ...u, time: "2026-13-45T05:45:00.000Z" }),
      "time: must be a real UTC ISO 8601 time with milliseconds",
    ],
    ["version 2", (u) => ({ ...u, v: 2 }), "v: "],
    ["an unknown kind", (u) => ({ ...u, kind: "telegram" }), "kind: "],
    [
      "a prev that is not a hash",
      (u) => ({ ...u, prev: "ABC" }),
      "prev: must be 64 lowercase hex characters (a SHA-256)",
    ],
    [
      "a seen hash that is not a hash",
      (u) => ({ ...u, seen: { [washington.id]: "0".repeat(63) } }),
      `seen.${washington.id}: must be 64 lowercase hex characters (a SHA-256)`,
    ],
    ["a replyTo that is not a hash", (u) => ({ ...u, body: { ...u.body, replyTo: "x" } }), "body.replyTo: "],
  ])("signEntry() refuses %s with SCHEMA naming the field", (_what, spoil, message) => {
    const { line, unsigned } = textDraft();
    const bad = illTyped<UnsignedEntry>(spoil(unsigned));
    const error = thrown(() => signEntry(bad, moscow.identity));
    expect(error.code).toBe("SCHEMA");
    expect(error.message.startsWith(`Cannot accept the entry: ${message}`)).toBe(true);
    expect(error.place).toEqual({ line: line.id, author: moscow.id, seq: (bad as { seq: number }).seq });
  });

  it("signEntry() says how many more fields are wrong than the first one", () => {
    const { unsigned } = textDraft();
    const error = thrown(() =>
      signEntry(
        illTyped<UnsignedEntry>({ ...unsigned, seq: 0, time: "2026-11-23T05:45:00Z" }),
        moscow.identity,
      ),
    );
    expect(error.code).toBe("SCHEMA");
    expect(error.message).toMatch(/^Cannot accept the entry: seq: .* \(and 1 more\)$/);
  });

  it("signEntry() accepts an entry of exactly 64 KiB and refuses one byte more with TOO_LARGE", () => {
    const overhead = signEntry(textDraft("x").unsigned, moscow.identity).bytes.length - 1;
    const fits = signEntry(textDraft("x".repeat(MAX_ENTRY_BYTES - overhead)).unsigned, moscow.identity);
    expect(fits.bytes.length).toBe(MAX_ENTRY_BYTES);
    expect(openEntry(fits.bytes)).toEqual(fits);

    const { line, unsigned } = textDraft("x".repeat(MAX_ENTRY_BYTES - overhead + 1));
    const error = thrown(() => signEntry(unsigned, moscow.identity));
    expect(error.code).toBe("TOO_LARGE");
    expect(error.message).toBe(
      `Cannot accept an entry of ${MAX_ENTRY_BYTES + 1} bytes: the limit is ${MAX_ENTRY_BYTES} bytes (64 KiB)`,
    );
    expect(error.place).toEqual({ line: line.id, author: moscow.id, seq: unsigned.seq });
  });

  it("signEntry() counts UTF-8 bytes, not characters, against the 64 KiB limit", () => {
    // Each Cyrillic letter is two UTF-8 bytes: 30,000 of them fit, 33,000 (66,000 bytes) do not,
    // though 33,000 characters alone would.
    expect(signEntry(textDraft("д".repeat(30_000)).unsigned, moscow.identity).bytes.length).toBeGreaterThan(
      60_000,
    );
    expect(thrown(() => signEntry(textDraft("д".repeat(33_000)).unsigned, moscow.identity)).code).toBe(
      "TOO_LARGE",
    );
  });
});

describe("openEntry()", () => {
  function sample(): SealedEntry {
    return signEntry(textDraft().unsigned, moscow.identity);
  }

  it("openEntry(bytes) gives back the sealed entry, its hash the SHA-256 of the bytes", () => {
    const sealed = sample();
    const opened = openEntry(Buffer.from(sealed.bytes));
    expect(opened).toEqual(sealed);
    expect(opened.hash).toBe(sha256Hex(sealed.bytes));
    expect(hasValidSignature(opened.entry)).toBe(true);
  });

  it("openEntry() round-trips a genesis and a member.add as well", () => {
    const line = TestLine.open(moscow);
    line.add(moscow, washington);
    for (const sealed of line.entries) expect(openEntry(sealed.bytes)).toEqual(sealed);
    expect(line.id).toBe(sha256Hex(line.entries[0]?.bytes ?? ""));
  });

  it("openEntry() refuses bytes that are not JSON with SCHEMA", () => {
    const error = thrown(() => openEntry(Buffer.from('{"v":1,')));
    expect(error.code).toBe("SCHEMA");
    expect(error.message).toBe("Cannot read the entry: its bytes are not JSON");
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("openEntry() refuses JSON that is not an entry with SCHEMA", () => {
    expect(thrown(() => openEntry(Buffer.from("[]"))).code).toBe("SCHEMA");
    expect(thrown(() => openEntry(Buffer.from("{}"))).code).toBe("SCHEMA");
    expect(thrown(() => openEntry(Buffer.from("null"))).code).toBe("SCHEMA");
  });

  it.each<[string, (entry: Entry) => string]>([
    ["indented", (entry) => JSON.stringify(entry, null, 2)],
    [
      "with keys in reverse order",
      (entry) => JSON.stringify(Object.fromEntries(Object.entries(entry).reverse())),
    ],
    ["with a trailing newline", (entry) => `${canonicalJson(entry)}\n`],
    ["with a space after a colon", (entry) => canonicalJson(entry).replace('"v":1', '"v": 1')],
    [
      "with seq written as 5.0",
      (entry) => canonicalJson(entry).replace(`"seq":${entry.seq}`, `"seq":${entry.seq}.0`),
    ],
    [
      "with a needlessly escaped letter",
      (entry) => canonicalJson(entry).replace('"kind":"text"', '"kind":"t\\u0065xt"'),
    ],
  ])("openEntry() refuses the same entry %s with NOT_CANONICAL", (_what, write) => {
    const sealed = sample();
    const bytes = Buffer.from(write(sealed.entry), "utf8");
    expect(bytes.equals(sealed.bytes)).toBe(false);
    expect(JSON.parse(bytes.toString("utf8"))).toEqual(sealed.entry);
    const error = thrown(() => openEntry(bytes));
    expect(error.code).toBe("NOT_CANONICAL");
    expect(error.message).toBe("Cannot accept the entry: its bytes are not RFC 8785 canonical JSON");
    expect(error.place).toEqual(placeOf(sealed.entry));
  });

  it("openEntry() refuses more than 64 KiB with TOO_LARGE before reading it", () => {
    const error = thrown(() => openEntry(Buffer.alloc(MAX_ENTRY_BYTES + 1, 0x20)));
    expect(error.code).toBe("TOO_LARGE");
    expect(error.message).toBe(`Cannot accept an entry of ${MAX_ENTRY_BYTES + 1} bytes: the limit is 64 KiB`);
  });

  it("openEntry() does not check the signature: a forged entry opens, and hasValidSignature() says no", () => {
    const { unsigned } = textDraft();
    const forged = signWithKey(unsigned, washington.identity.privateKey);
    expect(openEntry(forged.bytes)).toEqual(forged);
    expect(hasValidSignature(forged.entry)).toBe(false);
  });
});

describe("hasValidSignature()", () => {
  const sealed = signEntry(textDraft().unsigned, moscow.identity);
  const text = sealed.entry as EntryOf<"text">;

  it.each<[string, Entry]>([
    ["the text is changed", { ...text, body: { ...text.body, text: `${text.body.text}!` } }],
    ["the precedence is changed", { ...text, body: { ...text.body, precedence: "FLASH" } }],
    ["the time is changed", { ...text, time: timeAt(99) }],
    ["the seq is changed", { ...text, seq: text.seq + 1 }],
    ["the author is another station", { ...text, author: washington.id }],
    ["the author is not a station id", { ...text, author: "nobody" }],
    [
      "the sig is of another entry",
      { ...text, sig: signEntry(textDraft("other").unsigned, moscow.identity).entry.sig },
    ],
    ["the sig is garbage", { ...text, sig: "A".repeat(86) }],
  ])("hasValidSignature() is false when %s", (_what, entry) => {
    expect(hasValidSignature(text)).toBe(true);
    expect(hasValidSignature(entry)).toBe(false);
  });
});

describe("parseEntry()", () => {
  it("parseEntry() gives back a valid entry unchanged", () => {
    const sealed = signEntry(textDraft().unsigned, moscow.identity);
    expect(parseEntry(JSON.parse(sealed.bytes.toString("utf8")))).toEqual(sealed.entry);
  });

  it("parseEntry() refuses a non-object with SCHEMA and no place", () => {
    const error = thrown(() => parseEntry("hello"));
    expect(error.code).toBe("SCHEMA");
    expect(error.place).toEqual({});
  });
});

describe("seal()", () => {
  it("seal() keeps a changed entry's new bytes and hash without checking its signature", () => {
    const sealed = signEntry(textDraft().unsigned, moscow.identity);
    const changed = { ...sealed.entry, time: timeAt(42) };
    const resealed = seal(changed);
    expect(resealed.entry).toEqual(changed);
    expect(resealed.bytes.toString("utf8")).toBe(canonicalJson(changed));
    expect(resealed.hash).toBe(sha256Hex(resealed.bytes));
    expect(resealed.hash).not.toBe(sealed.hash);
  });
});

describe("canonicalJson() and sha256Hex()", () => {
  it("canonicalJson() sorts keys and drops whitespace (RFC 8785)", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: { z: 1, y: 2 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":1}}',
    );
    expect(canonicalJson({ n: 1e21, m: 0.1, k: -0 })).toBe('{"k":0,"m":0.1,"n":1e+21}');
    expect(canonicalJson("é\u2028")).toBe('"é\u2028"');
  });

  it("canonicalJson() refuses a value that is not JSON with SCHEMA", () => {
    expect(thrown(() => canonicalJson(undefined)).code).toBe("SCHEMA");
  });

  it("sha256Hex() gives the SHA-256 of a string or bytes in lowercase hex", () => {
    const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    expect(sha256Hex("abc")).toBe(abc);
    expect(sha256Hex(Buffer.from("abc"))).toBe(abc);
  });
});

describe("placeOf()", () => {
  it("placeOf() takes line, author and seq when they have the right types", () => {
    expect(placeOf({ line: "L", author: "A", seq: 3, time: "t" })).toEqual({
      line: "L",
      author: "A",
      seq: 3,
    });
    expect(placeOf({ line: null, author: 7, seq: "3" })).toEqual({});
    expect(placeOf(null)).toEqual({});
    expect(placeOf("entry")).toEqual({});
  });
});

describe("isHotlineError()", () => {
  it("isHotlineError() matches the type, and the code when one is given", () => {
    const error = new HotlineError("BAD_HASH", "Cannot trust the entry", { place: { seq: 3 } });
    expect(isHotlineError(error)).toBe(true);
    expect(isHotlineError(error, "BAD_HASH")).toBe(true);
    expect(isHotlineError(error, "BAD_PREV")).toBe(false);
    expect(isHotlineError(new Error("Cannot trust the entry"))).toBe(false);
    expect(error.place).toEqual({ seq: 3 });
    expect(error.name).toBe("HotlineError");
  });
});

describe("signEntry() and openEntry() round trips", () => {
  it("signEntry()/openEntry() round-trip any non-blank text, precedence and language", () => {
    const line = TestLine.open(moscow);
    const text = fc
      .string({ minLength: 1, maxLength: 200, unit: "grapheme" })
      .filter((t) => t.trim().length > 0);
    fc.assert(
      fc.property(
        text,
        fc.constantFrom(...PRECEDENCES),
        fc.constantFrom("en", "ru", "fr", "tr", "zh-Hant", "pt-BR", "sr-Latn-RS"),
        (message, precedence, lang) => {
          const sealed = line.say(moscow, message, { precedence, lang });
          expect(openEntry(sealed.bytes)).toEqual(sealed);
          expect(hasValidSignature(sealed.entry)).toBe(true);
          expect(sealed.entry).toMatchObject({ kind: "text", body: { text: message, precedence, lang } });
        },
      ),
      { numRuns: 100 },
    );
  });
});
