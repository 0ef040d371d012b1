/**
 * The station core: a station's identity, settings and lines, and what it does with them. No HTTP.
 *
 * @module
 */
export { Station } from "./station.js";
export type { Draft, LineSummary, LogEntry, OpenOptions, SendOptions, WhoAmI } from "./station.js";
export { initStation } from "./init.js";
export type { InitOptions, InitResult } from "./init.js";
export { DEFAULT_API, DEFAULT_LISTEN, parseHostPort, readConfig, stationPaths } from "./config.js";
export type { StationConfig, StationPaths } from "./config.js";
export { systemClock, isoNow } from "./clock.js";
export type { Clock } from "./clock.js";
export { verifyRecord } from "./verify.js";
export type { VerifyOptions, VerifyReport } from "./verify.js";
export { causalOrder } from "./order.js";
export { certFingerprint, makeSelfSignedCertificate } from "./tls.js";
export { checkPassword, generatePassword, hashPassword } from "./password.js";
