/**
 * Evidence for an auditor: export bundles and their offline verification, transcripts (html,
 * md), and a line's record with its peers' signed heads (the record summary).
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export { exportBundle } from "./export.js";
export { chainPage, lineRecord } from "./line-record.js";
export type { LineRecord } from "./line-record.js";
export { TRANSCRIPT_FORMATS, renderTranscript } from "./transcript.js";
export type { TranscriptFormat } from "./transcript.js";
export { verifyBundle } from "./verify-bundle.js";
export type { BundleReport, Coverage } from "./verify-bundle.js";
