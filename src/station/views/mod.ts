/**
 * What the operator API returns: the station's views of its lines, record, alarms, calls and
 * notifications. Types only, shared with the console (console/src/api-types.ts), so a change here
 * breaks the console at compile time instead of at run time.
 *
 * The console type-checks without Node's types, so this file imports nothing at run time, and
 * types only from files that import nothing of Node's either, even indirectly: the record's
 * `kinds.ts` and `volume.ts` (never its `mod.ts`, which brings in `node:crypto`) and the store's
 * `rows.ts`. One file per subject; this is the folder's door.
 *
 * @module
 */
export type * from "./basics.js";
export type * from "./lines.js";
export type * from "./thread.js";
export type * from "./health.js";
export type * from "./calls.js";
export type * from "./notify.js";
