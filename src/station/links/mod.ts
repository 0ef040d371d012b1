/**
 * Links: link tests of every participant (LinkMonitor), the link state machine, the health
 * report, failover between a peer's routes (RoutedTransport), and `status`.
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export { MAX_INCIDENTS, MAX_ROUTE_CHANGES_SHOWN, UPTIME_WINDOWS, healthReport } from "./health-report.js";
export type { LinkStates } from "./health-report.js";
export { DEFAULT_LINK_RULES, afterTest, quantile, recentRtts, untestedLink } from "./health.js";
export type { Health, LinkRules, LinkState, RttSample, TestResult } from "./health.js";
export { FULL_EXCHANGE_EVERY, answerHeadsDigest } from "./heads-digest.js";
export { LinkMonitor, RELAYS_PER_ROUND } from "./link-monitor.js";
export type { LinkMonitorOptions } from "./link-monitor.js";
export { RoutedTransport } from "./routed-transport.js";
export type { PeerRouting, RouteState, RoutedTransportOptions } from "./routed-transport.js";
export { statusOf } from "./status.js";
