/**
 * Calls and readouts: negotiating a call on the line, each side's readout, their comparison and
 * the marks each side puts on the other's points.
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export { answerCall, callOf, callsOf, recordCallHeld, requestCall } from "./calls.js";
export type { CallRequest } from "./calls.js";
export { compareTexts, keyTermsOf, sentencesOf } from "./readout-compare.js";
export type { ComparedPoint, TextComparison } from "./readout-compare.js";
export { markReadout, publishReadout, readoutsOf } from "./readouts.js";
