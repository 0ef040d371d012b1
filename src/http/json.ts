import type { FastifyInstance } from "fastify";
import { HotlineError } from "../record/mod.js";

/** How deep and how big a JSON request body may be. */
export interface JsonLimits {
  /** most nested objects and arrays, one inside another; default 64 */
  maxDepth: number;
  /**
   * most object members in the whole document; default 100,000. Members cost most: one object
   * of 700k keys takes 150 MB to build.
   */
  maxMembers: number;
  /** most array items in the whole document; default 200,000 */
  maxItems: number;
}

/** The limits an API uses unless it says otherwise: far above any operator request (1 MiB). */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 64, maxMembers: 100_000, maxItems: 200_000 };

/**
 * The peer API's limits, for bodies of up to 8 MiB: a push of 500 notifications of 50 volumes
 * each has about 300,000 members, and 8 MiB of coordinates about 2 million array items; a
 * peer's honest push must never be refused for its shape.
 */
export const PEER_JSON_LIMITS: JsonLimits = { maxDepth: 64, maxMembers: 400_000, maxItems: 2_500_000 };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Measures a JSON text before it is parsed, so that a document nested thousands deep or holding
 * a million keys is refused before `JSON.parse` builds it (a 700k-key object costs 150 MB). It
 * reads characters only: strings are skipped (braces and escaped quotes inside them count for
 * nothing), and whether the text is JSON at all is left to the parser.
 *
 * @param text a JSON text
 * @param limits the limits it must keep
 * @throws HotlineError TOO_COMPLEX naming the limit exceeded
 */
export function checkJsonSize(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): void {
  // What each open container is (true: an array), innermost last.
  const arrays: boolean[] = [];
  let members = 0;
  // Every comma in an array separates two items; every array opened holds a first one.
  let items = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (arrays.length === limits.maxDepth) {
        throw new HotlineError(
          "TOO_COMPLEX",
          `Cannot accept the request: its JSON is nested more than ${limits.maxDepth} deep`,
        );
      }
      arrays.push(c === OPEN_BRACKET);
      if (c === OPEN_BRACKET) items++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      arrays.pop();
    } else if (c === COLON) {
      members++;
    } else if (c === COMMA && arrays.at(-1) === true) {
      items++;
    }
    if (members > limits.maxMembers || items > limits.maxItems) {
      throw new HotlineError(
        "TOO_COMPLEX",
        `Cannot accept the request: its JSON holds more than ${members > limits.maxMembers ? `${limits.maxMembers} object members` : `${limits.maxItems} array items`}`,
      );
    }
  }
}

/** A key spelled `__proto__` or `constructor`, escapes included, as secure-json-parse looks for them. */
const SUSPECT_KEY =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:|"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

/**
 * Parses a JSON request body within limits, refusing what Fastify's own parser refuses: a
 * `__proto__` key, or a `constructor` holding `prototype` (either could poison an object
 * merged from the body).
 *
 * @param text the body
 * @param limits depth and size limits
 * @returns the parsed value
 * @throws HotlineError TOO_COMPLEX over a limit, SCHEMA when the text is not JSON or is poisoned
 */
export function parseBoundedJson(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  checkJsonSize(text, limits);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new HotlineError("SCHEMA", "Cannot accept the request: its body is not JSON", { cause });
  }
  if (SUSPECT_KEY.test(text) && poisoned(value)) {
    throw new HotlineError(
      "SCHEMA",
      "Cannot accept the request: its body holds a __proto__ or constructor.prototype key",
    );
  }
  return value;
}

/** @returns whether a parsed value holds a `__proto__` key or a `constructor` with `prototype`, at any depth */
function poisoned(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== "object" || next === null) continue;
    if (Object.prototype.hasOwnProperty.call(next, "__proto__")) return true;
    const ctor = (next as Record<string, unknown>).constructor;
    if (
      Object.prototype.hasOwnProperty.call(next, "constructor") &&
      typeof ctor === "object" &&
      ctor !== null &&
      Object.prototype.hasOwnProperty.call(ctor, "prototype")
    ) {
      return true;
    }
    for (const member of Object.values(next)) pending.push(member);
  }
  return false;
}

/**
 * Makes an app parse `application/json` bodies with {@link parseBoundedJson}: too deep or too
 * big is 400 TOO_COMPLEX, not JSON or poisoned is 400 SCHEMA. The body size limit stays the
 * app's `bodyLimit`.
 *
 * @param app a Fastify instance
 * @param limits depth and size limits (default {@link DEFAULT_JSON_LIMITS})
 */
export function useBoundedJson(app: FastifyInstance, limits: Partial<JsonLimits> = {}): void {
  const bounds = { ...DEFAULT_JSON_LIMITS, ...limits };
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) {
      done(new HotlineError("SCHEMA", "Cannot accept the request: its body is empty, not JSON"));
      return;
    }
    try {
      done(null, parseBoundedJson(text, bounds));
    } catch (error) {
      done(error as Error);
    }
  });
}
