/**
 * The station core: a station's identity, settings and lines, and what it does with them. No HTTP.
 *
 * @module
 */
export { Station } from "./station.js";
export { arrivalsOf, logOf } from "./log.js";
export type { Draft, OpenOptions, SendOptions, SettingsChanges } from "./station.js";
export type {
  AckState,
  Actor,
  AlarmView,
  CallResponse,
  CallState,
  CallView,
  ClarificationAnswer,
  ClarificationView,
  ComparedSide,
  ComparisonView,
  Conflict,
  HealthReport,
  HeldRecord,
  Incident,
  LineSettings,
  LineStatus,
  LineSummary,
  LogEntry,
  MapConflict,
  MapView,
  MapVolume,
  MarkedPoint,
  MarkView,
  NotificationView,
  ParticipantHealth,
  ParticipantStatus,
  PointView,
  ReadoutsView,
  ReadoutView,
  SharedZoneView,
  StationStatus,
  Suspension,
  TranslationView,
  UptimeWindow,
  WhoAmI,
  ZoneView,
} from "./views.js";
export { initStation } from "./init.js";
export type { InitOptions, InitResult } from "./init.js";
export {
  DEFAULT_API,
  DEFAULT_LISTEN,
  freeLoopbackPort,
  parseHostPort,
  readConfig,
  stationPaths,
} from "./config.js";
export type { StationConfig, StationPaths } from "./config.js";
export { systemClock, isoNow } from "./clock.js";
export type { Clock } from "./clock.js";
export { ManualClock } from "./manual-clock.js";
export type { StationLogger } from "./logger.js";
export { verifyRecord } from "./verify.js";
export type { VerifyOptions, VerifyReport } from "./verify.js";
export { causalOrder } from "./order.js";
export { certFingerprint, fingerprintOfDer, makeSelfSignedCertificate } from "./tls.js";
export { checkPassword, generatePassword, hashPassword } from "./password.js";
export {
  addOperator,
  disableOperator,
  findOperator,
  listOperators,
  operatorLang,
  setOperatorLang,
  MIN_PASSWORD_LENGTH,
  OPERATOR_NAME,
  PASSWORD,
  PERMISSIONS,
  requireRole,
  ROLES,
  setPassword,
} from "./operators.js";
export type { AddedOperator, OperatorSummary, Permission } from "./operators.js";
export { applyIncoming, MAX_CLOCK_AHEAD_MS } from "./apply.js";
export type { ApplyResult } from "./apply.js";
export { catchUp } from "./catch-up.js";
export { Outbox } from "./outbox.js";
export type { CourierState, LineDelivery, OutboxOptions } from "./outbox.js";
export { acceptInvite, answerPairRequest, createInvite, parseInvite } from "./pairing.js";
export type { Accepted, Invite } from "./pairing.js";
export { PAIR_REQUEST } from "./transport.js";
export type { PairRequest, PairResponse, PeerTarget, PeerTransport } from "./transport.js";
export type { StationEvents } from "./station.js";
export { statusOf } from "./status.js";
export { LinkMonitor } from "./link-monitor.js";
export type { LinkMonitorOptions } from "./link-monitor.js";
export { DEFAULT_LINK_RULES, afterTest, quantile, recentRtts, untestedLink } from "./health.js";
export type { Health, LinkRules, LinkState, RttSample, TestResult } from "./health.js";
export { MAX_INCIDENTS, UPTIME_WINDOWS, healthReport } from "./health-report.js";
export type { LinkStates } from "./health-report.js";
export { DEFAULT_SETTINGS, settingsOf, suspensionOf } from "./settings.js";
export { ackAlarm, alarmOf, alarmsOf } from "./alarms.js";
export { keepSession, liveSession, endSession } from "./sessions.js";
export { chainPage, lineRecord, type LineRecord } from "./line-record.js";
export { namesOn } from "./_entries.js";
export {
  addHook,
  HOOK_REQUEST,
  listHooks,
  parseHookRequest,
  removeHook,
  SEVERITIES,
  severityReaches,
} from "./hooks.js";
export type { HookRequest, HookView } from "./hooks.js";
export { HookRunner } from "./hook-runner.js";
export type { AlarmNotice, HookRunnerOptions } from "./hook-runner.js";
export {
  ACKABLE_KINDS,
  DeadlineWatch,
  ackEntry,
  ackStatesOf,
  acksOf,
  deadlineOf,
  isAckable,
} from "./acks.js";
export { resolveEntry } from "./_entries.js";
export { PresenceTests } from "./presence.js";
export { answerCall, callOf, callsOf, recordCallHeld, requestCall } from "./calls.js";
export type { CallRequest } from "./calls.js";
export { markReadout, publishReadout, readoutsOf } from "./readouts.js";
export { compareTexts, keyTermsOf, sentencesOf } from "./readout-compare.js";
export type { ComparedPoint, TextComparison } from "./readout-compare.js";
export {
  machineTranslate,
  TRANSLATABLE_KINDS,
  translateEntry,
  translationsByOriginal,
  translationsOf,
} from "./translations.js";
export type { MachineTranslator, TranslationRequest } from "./translations.js";
export { exportBundle } from "./export.js";
export { verifyBundle } from "./verify-bundle.js";
export type { BundleReport, Coverage } from "./verify-bundle.js";
export { renderTranscript, TRANSCRIPT_FORMATS } from "./transcript.js";
export type { TranscriptFormat } from "./transcript.js";
export type { AckMark } from "./acks.js";
export { amendNotification, clarify, NOTIFY_KINDS, notificationsOf, notify } from "./notify.js";
export type { NotificationDraft } from "./notify.js";
export { conflictBetween, conflictId, conflictsAmong, VolumeIndex } from "./conflicts.js";
export type { OwnedVolume } from "./conflicts.js";
export { areasOverlap, overlapOf, shapeOf } from "./geometry.js";
export type { Shape } from "./geometry.js";
export {
  conflictsOf,
  NotifyWatch,
  syncAllNotifyAlarms,
  syncNotifyAlarms,
  volumesOf,
} from "./notify-watch.js";
export { addZone, listZones, removeZone, shareZone, zoneVolumes } from "./zones.js";
export { mapOf } from "./map.js";
export { SHARED_ZONE_KINDS, sharedZoneVolumes, sharedZonesOf, withdrawSharedZone } from "./shared-zones.js";
export { isNotifyTextKind, notifyText, volumeText } from "./notify-text.js";
export { notificationFromFile, notificationsToGeoJson } from "./notify-geojson.js";
