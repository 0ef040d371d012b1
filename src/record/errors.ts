/**
 * Every failure in hotline is a value with a stable `code`. The code is what scripts and tests
 * match on; the message is for a person and says what to do.
 */
export type ErrorCode =
  // record
  | "SCHEMA"
  | "TOO_LARGE"
  | "BAD_SIGNATURE"
  | "BAD_HASH"
  | "NOT_CANONICAL"
  | "CHAIN_GAP"
  | "BAD_PREV"
  | "BAD_LINE"
  | "BAD_GENESIS"
  | "UNKNOWN_AUTHOR"
  | "UNKNOWN_SEEN"
  | "EQUIVOCATION"
  | "FUTURE_TIME"
  | "BACKDATED"
  | "MISMATCH"
  | "TOO_COMPLEX"
  // station
  | "NO_STATION"
  | "STATION_EXISTS"
  | "STATION_RUNNING"
  | "UNKNOWN_LINE"
  | "AMBIGUOUS_LINE"
  | "AMBIGUOUS_ENTRY"
  | "ALREADY_ACKED"
  | "UNKNOWN_ENTRY"
  | "UNKNOWN_OPERATOR"
  | "ROUTE_EXISTS"
  | "UNKNOWN_ROUTE"
  | "OPERATOR_EXISTS"
  | "LAST_ADMIN"
  | "UNKNOWN_HOOK"
  | "BAD_INPUT"
  | "USAGE"
  | "BAD_BUNDLE"
  | "STORE_DAMAGED"
  | "DISK_FULL"
  | "FENCED"
  | "STANDBY"
  | "STORE_UNAVAILABLE"
  // backups
  | "FILE_EXISTS"
  | "BAD_BACKUP"
  | "BAD_PASSPHRASE"
  // certificates
  | "RENEWAL_PENDING"
  // peers and pairing
  | "UNKNOWN_PEER"
  | "PEER_UNREACHABLE"
  | "PEER_REJECTED"
  | "BAD_INVITE"
  | "INVITE_EXPIRED"
  | "INVITE_USED"
  | "NOT_PARTICIPANT"
  | "PENDING_MEMBER"
  | "MEMBER_CONFLICT"
  | "KEY_CONFLICT"
  | "KEY_REVOKED"
  | "KEY_UNCONFIRMED"
  | "STALE_KEY"
  | "NO_CONSENT"
  | "TOO_MANY_PARTICIPANTS"
  | "BAD_STATEMENT"
  | "RATE_LIMITED"
  | "TIMEOUT"
  // operator API
  | "UNAUTHORIZED"
  | "BAD_CREDENTIALS"
  | "SECOND_FACTOR_NEEDED"
  | "BAD_SECOND_FACTOR"
  | "SECOND_FACTOR_REQUIRED"
  | "ALREADY_ENROLLED"
  | "NOT_ENROLLING"
  | "THROTTLED"
  | "BAD_CSRF"
  | "BAD_PATH"
  | "BAD_HOST"
  | "BAD_ORIGIN"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "INTERNAL";

/** Where in the record a problem sits, when it sits in the record. */
export interface RecordPlace {
  line?: string | undefined;
  author?: string | undefined;
  seq?: number | undefined;
  hash?: string | undefined;
}

/**
 * The one error type of hotline: a stable `code`, a message a person can act on, and, for record
 * problems, the place (line, author, seq, hash).
 *
 * @example
 * ```ts
 * throw new HotlineError("UNKNOWN_LINE", "Cannot send on line 'x': no line has that id or name");
 * ```
 */
export class HotlineError extends Error {
  readonly code: ErrorCode;
  readonly place: RecordPlace;
  /** for an entry refused for want of another entry (UNKNOWN_SEEN and kin): that entry's hash */
  readonly awaits: string | undefined;

  /**
   * @param code the stable code
   * @param message what went wrong and what to do, in one voice: "Cannot X: reason"
   * @param options the record place, the entry awaited, and the underlying cause, if any
   */
  constructor(
    code: ErrorCode,
    message: string,
    options: { place?: RecordPlace; awaits?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HotlineError";
    this.code = code;
    this.place = options.place ?? {};
    this.awaits = options.awaits;
  }
}

/**
 * Tells whether a value is a {@link HotlineError}, optionally with a given code.
 *
 * @param value anything caught
 * @param code the code to match, if any
 * @returns true when `value` is a HotlineError (with that code)
 */
export function isHotlineError(value: unknown, code?: ErrorCode): value is HotlineError {
  return value instanceof HotlineError && (code === undefined || value.code === code);
}
