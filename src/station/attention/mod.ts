/**
 * Attention: acknowledgements and their deadlines (the deadline watch and its escalation),
 * alarms, hooks that carry alarms out of the console, and presence tests.
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export {
  ACKABLE_KINDS,
  DeadlineWatch,
  ackEntry,
  ackStatesOf,
  acksOf,
  deadlineOf,
  isAckable,
} from "./acks.js";
export type { AckMark } from "./acks.js";
export { AlarmLog } from "./alarm-log.js";
export { ackAlarm, alarmOf, alarmsOf } from "./alarms.js";
export { HookRunner } from "./hook-runner.js";
export type { AlarmNotice, HookRunnerOptions } from "./hook-runner.js";
export { HOOK_REQUEST } from "./hook-schemas.js";
export { SEVERITIES, addHook, listHooks, parseHookRequest, removeHook, severityReaches } from "./hooks.js";
export type { HookRequest, HookView } from "./hooks.js";
export { PresenceTests } from "./presence.js";
