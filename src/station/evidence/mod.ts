export { exportBundle } from "./export.js";
export { chainPage, lineRecord } from "./line-record.js";
export type { LineRecord } from "./line-record.js";
export { TRANSCRIPT_FORMATS, renderTranscript } from "./transcript.js";
export type { TranscriptFormat } from "./transcript.js";
export { verifyBundle } from "./verify-bundle.js";
export type { BundleReport, Coverage } from "./verify-bundle.js";
