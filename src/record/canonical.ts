import canonicalize from "canonicalize";

/** Any UTF-16 surrogate: a string holding one goes to the library, which refuses lone ones. */
const SURROGATE = /[\uD800-\uDFFF]/;
/** Deeper than this, the library takes over (it names a circular reference; entries are shallow). */
const MAX_DEPTH = 64;

/**
 * RFC 8785 canonical JSON of plain JSON data — what JSON.parse and the schemas give: null,
 * booleans, finite numbers, strings, arrays and plain objects — written in one pass. Anything
 * else (a `toJSON`, an undefined in an array, a symbol, a bigint, a non-finite number, a string
 * with a surrogate, a cycle) is left to the `canonicalize` library, so every result and every
 * refusal is the library's; a test holds the two equal. It exists because every entry is
 * canonicalised when signed, received or verified, and the library's per-string scan and
 * per-object bookkeeping were a tenth of an entry's verify time beside the signature.
 *
 * @param value a JSON value
 * @returns its canonical text, or undefined where the library gives undefined
 * @throws Error as the library does (lone surrogate, NaN, Infinity, a cycle)
 */
export function canonicalText(value: unknown): string | undefined {
  const fast = plain(value, 0);
  return fast ?? canonicalize(value);
}

/** The canonical text of plain data, or null when the value is not plain (the library decides). */
function plain(value: unknown, depth: number): string | null {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return SURROGATE.test(value) ? null : JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : null;
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return null;
  }
  if (depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) {
      const item = plain(value[i], depth + 1);
      if (item === null) return null;
      text += i === 0 ? item : `,${item}`;
    }
    return `${text}]`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return null;
  const object = value as Record<string, unknown>;
  if (typeof object.toJSON === "function") return null;
  let text = "{";
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    if (member === undefined) continue;
    if (SURROGATE.test(key)) return null;
    const item = plain(member, depth + 1);
    if (item === null) return null;
    text += `${first ? "" : ","}${JSON.stringify(key)}:${item}`;
    first = false;
  }
  return `${text}}`;
}
