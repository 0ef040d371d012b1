export { answerCall, callOf, callsOf, recordCallHeld, requestCall } from "./calls.js";
export type { CallRequest } from "./calls.js";
export { compareTexts, keyTermsOf, sentencesOf } from "./readout-compare.js";
export type { ComparedPoint, TextComparison } from "./readout-compare.js";
export { markReadout, publishReadout, readoutsOf } from "./readouts.js";
