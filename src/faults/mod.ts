/**
 * Fault injection: a TCP proxy that puts latency, loss, bandwidth limits, blackholes and cuts
 * between stations (tests, the chaos run, drills), and its control API.
 *
 * @module
 */
export { FaultProxy, type ProxyCounts, type ProxyOptions } from "./proxy.js";
export { FAULTS, HEALTHY, type Direction, type FaultChange, type Faults } from "./faults.js";
export { controlApp, startControl } from "./control.js";
export { seededRandom } from "./random.js";
