/**
 * The record: pure functions over signed, hash-chained entries. No I/O; the same code checks a
 * live station and an export bundle offline.
 *
 * @module
 */
export * from "./errors.js";
export * from "./keys.js";
export * from "./kinds.js";
export * from "./volume.js";
export * from "./entry.js";
export * from "./stored-entry.js";
export * from "./check.js";
export { describeZodError } from "./schema-error.js";
export * from "./statement.js";
export * from "./heads-digest.js";
export * from "./bundle.js";
export * from "./safety-code.js";
export * from "./membership.js";
export * from "./key-rotation.js";
export * from "./rules.js";
export { memberArrayItems } from "./json-spans.js";
export { normalizeTime } from "./time.js";
