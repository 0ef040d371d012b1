/**
 * Links: link tests of every participant (LinkMonitor), the link state machine, the health
 * report, and `status`.
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export { MAX_INCIDENTS, UPTIME_WINDOWS, healthReport } from "./health-report.js";
export type { LinkStates } from "./health-report.js";
export { DEFAULT_LINK_RULES, afterTest, quantile, recentRtts, untestedLink } from "./health.js";
export type { Health, LinkRules, LinkState, RttSample, TestResult } from "./health.js";
export { LinkMonitor } from "./link-monitor.js";
export type { LinkMonitorOptions } from "./link-monitor.js";
export { statusOf } from "./status.js";
