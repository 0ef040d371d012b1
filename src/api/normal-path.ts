import { HotlineError } from "../record/mod.js";

/** A segment: pchar characters (RFC 3986) unescaped, and escapes. */
const SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;
/** An escape of a character that needs none (RFC 3986 unreserved), e.g. `%61` for 'a'. */
const ESCAPED_UNRESERVED = /%(?:4[1-9A-F]|5[0-9A]|6[1-9A-F]|7[0-9A]|3[0-9]|2D|2E|5F|7E)/i;
/** What no segment may decode to: a separator, or a control character. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const FORBIDDEN_DECODED = /[/\\\u0000-\u001f\u007f]/;

/**
 * Refuses a request whose path is not in normal form, before anything routes or authorizes it:
 * the router decodes a path before matching it, so `/%61pi/operators` and `/api/operators` reach
 * the same route while a check on the raw text sees two different paths. Normal form: starts with
 * '/'; no empty segment but a trailing one; no '.' or '..' segment, plain or escaped; no backslash;
 * escapes in upper case, valid UTF-8, never of a character that needs none (`%61` for 'a') and
 * never of a separator or control character (`%2F`, `%5C`, `%00`). So a segment is what
 * `encodeURIComponent` makes of its decoded text, except that the characters RFC 3986 allows in a
 * path (`:@!$&'()*+,;=`) may also stand unescaped: `%20` in a name is fine.
 *
 * @param url the request target as received (path and query)
 * @throws HotlineError BAD_PATH when the path is not in normal form
 */
export function requireNormalPath(url: string): void {
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  if (!path.startsWith("/")) throw badPath("it does not start with '/'");
  const segments = path.slice(1).split("/");
  segments.forEach((segment, i) => {
    if (segment === "") {
      if (i === segments.length - 1) return; // "/" itself, or a trailing slash: the router says 404
      throw badPath("it has an empty segment ('//')");
    }
    if (!SEGMENT.test(segment)) throw badPath("it has a character that must be escaped, or a bad escape");
    if (/%[0-9A-F]?[a-f]/.test(segment)) throw badPath("it has an escape in lower case");
    if (ESCAPED_UNRESERVED.test(segment)) throw badPath("it escapes a character that needs no escape");
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw badPath("it has an escape that is not UTF-8");
    }
    if (FORBIDDEN_DECODED.test(decoded)) throw badPath("it has an encoded separator or control character");
    if (decoded === "." || decoded === "..") throw badPath("it has a '.' or '..' segment");
  });
}

function badPath(reason: string): HotlineError {
  return new HotlineError("BAD_PATH", `Cannot route the request: its path is not in normal form (${reason})`);
}
