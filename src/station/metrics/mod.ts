/**
 * Metrics: what a station shows Prometheus (`/metrics`), in a registry of its own.
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export { LINK_STATE_VALUES, StationMetrics } from "./metrics.js";
export type { StationMetricsOptions } from "./metrics.js";
