/**
 * What the peer API and the operator API share at the HTTP edge: errors to statuses, in one place,
 * and JSON bodies parsed within limits.
 *
 * @module
 */
export { answerErrors, httpStatusOf, toHotlineError } from "./status.js";
export {
  DEFAULT_JSON_LIMITS,
  PEER_JSON_LIMITS,
  checkJsonSize,
  parseBoundedJson,
  useBoundedJson,
} from "./json.js";
export type { JsonLimits } from "./json.js";
export { PAGE_HEADERS, usePageHeaders } from "./page-headers.js";
