/**
 * What the console's own routes return (sessions, the record panel). Types only, shared with the
 * console (console/src/api-types.ts) as `src/station/views.ts` is, and under the same rule: no
 * imports at run time, and types only from files that import nothing of Node's.
 *
 * @module
 */
import type { Role } from "../store/rows.js";

/** What the console learns of its session. */
export interface SessionView {
  operator: { name: string; role: Role; lang: string | null };
  csrf: string;
  station: { id: string; name: string; fingerprint: string; url: string };
  /**
   * on: the operator's second factor is on; required: it must be (admins). Required and not on:
   * the session may only enrol (every other route answers SECOND_FACTOR_REQUIRED).
   */
  secondFactor: { on: boolean; required: boolean };
}

/** What the sign-in page shows before anyone signs in: which station this is. */
export interface StationIdentity {
  name: string;
  fingerprint: string;
}

/** What a line's record panel shows. */
export interface RecordSummary {
  line: string;
  entries: number;
  valid: boolean;
  problems: { code: string; detail: string }[];
  /** for each other participant: whether its latest signed heads match this station's, and as of when */
  peers: {
    id: string;
    name: string;
    match: boolean;
    asOf: string | null;
    /** entries this station holds that the peer's heads lack, and the other way round */
    missing: number;
    extra: number;
    /** authors whose chain the peer's heads name differently at a seq this station holds (a fork) */
    diverged: number;
  }[];
  checkedAt: string;
}
