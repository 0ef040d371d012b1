import { MAX_ENTRY_BYTES } from "../record/mod.js";

/** Most entries in one push, and in one page of catch-up. */
export const MAX_BATCH = 500;

/** Largest request body: a batch of entries (each at most 64 KiB). */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/**
 * A page of catch-up stops once it holds this many bytes of entries (or MAX_BATCH entries), so
 * one answer stays a few MiB whatever the entries weigh; it always holds at least one entry.
 */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;

/** Largest answer to GET entries a client reads: a full page, its last entry and the wrapping. */
export const MAX_PAGE_ANSWER_BYTES = MAX_PAGE_BYTES + MAX_ENTRY_BYTES + 64 * 1024;

/** Largest other answer a client reads (a head statement, a pair answer, a refusal). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** Largest pair request: a few fields and a proof. */
export const MAX_PAIR_BYTES = 8 * 1024;
