/**
 * What the peer API and the operator API share at the HTTP edge: errors to statuses, in one place.
 *
 * @module
 */
export { answerErrors, httpStatusOf, toHotlineError } from "./status.js";
