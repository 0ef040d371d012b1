/**
 * The station: its identity, settings and lines, and what it does with them; no HTTP. The door
 * through which api/, cli/, peer/, the demo and the bench reach the feature folders inside.
 *
 * @module
 */
export { Station } from "./core/mod.js";
export { arrivalsOf, logOf } from "./thread/mod.js";
export type { Draft, OpenOptions, SendOptions, SettingsChanges } from "./core/mod.js";
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
  RouteChange,
  RouteHealth,
  SharedZoneView,
  StationStatus,
  Suspension,
  TranslationView,
  UptimeWindow,
  WhoAmI,
  ZoneView,
} from "./views/mod.js";
export { initStation, migrateStore, type MigrateStoreResult } from "./core/mod.js";
export {
  MIN_PASSPHRASE_LENGTH,
  removeStraySnapshots,
  restoreBackup,
  snapshotDatabase,
  snapshotPath,
  writeBackup,
} from "./core/mod.js";
export type { DatabaseSnapshot, RestoreResult } from "./core/mod.js";
export {
  CERT_EXPIRING_DAYS,
  CertWatch,
  checkCertExpiry,
  completeRenewal,
  pendingCertPaths,
  renewCertificate,
} from "./core/mod.js";
export type { CertRenewal } from "./core/mod.js";
export type { InitOptions, InitResult } from "./core/mod.js";
export {
  DEFAULT_API,
  DEFAULT_LISTEN,
  freeLoopbackPort,
  parseHostPort,
  readConfig,
  stationPaths,
} from "./core/mod.js";
export type { StationConfig, StationPaths } from "./core/mod.js";
export { systemClock, isoNow } from "./core/mod.js";
export type { Clock } from "./core/mod.js";
export { ManualClock } from "./core/mod.js";
export {
  DEFAULT_LEASE_TTL_MS,
  LeaseLoop,
  describeHolder,
  pairStatus,
  readHolder,
  setUpStandby,
  readIdentityFile,
  requireCurrentKey,
  openStore,
  describeStoreLocation,
  storeLocationOf,
  type Fence,
  type LeaseHolder,
  type LeaseLoopOptions,
  type Role,
  type RoleChanges,
  type StandbySetup,
  type StandbySetupOptions,
} from "./core/mod.js";
export type { StationLogger } from "./core/mod.js";
export { verifyRecord } from "./core/mod.js";
export type { VerifyOptions, VerifyReport } from "./core/mod.js";
export { causalOrder } from "./core/mod.js";
export {
  MAX_AUDIT_READ,
  RECOVERY_CODES,
  SECOND_FACTOR_KEY_FILE,
  checkSecondFactor,
  confirmEnrolment,
  disableSecondFactor,
  lacksRequiredSecondFactor,
  readAudit,
  recordAudit,
  resetSecondFactor,
  secondFactorStatus,
  startEnrolment,
  totpCode,
  totpStep,
} from "./core/mod.js";
export type { Enrolment, SecondFactorStatus, SecondFactorUsed } from "./core/mod.js";
export { certFingerprint, certNotAfter, fingerprintOfDer, makeSelfSignedCertificate } from "./core/mod.js";
export { checkPassword, generatePassword, hashPassword } from "./core/mod.js";
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
} from "./core/mod.js";
export type { AddedOperator, OperatorSummary, Permission } from "./core/mod.js";
export { applyIncoming, MAX_CLOCK_AHEAD_MS } from "./core/mod.js";
export type { ApplyResult, PreparedEntry } from "./core/mod.js";
export { catchUp } from "./delivery/mod.js";
export { Outbox } from "./delivery/mod.js";
export type { CourierState, LineDelivery, OutboxOptions } from "./delivery/mod.js";
export { acceptInvite, answerPairRequest, createInvite, parseInvite } from "./delivery/mod.js";
export type { Accepted, Invite } from "./delivery/mod.js";
export { PAIR_REQUEST } from "./delivery/mod.js";
export {
  addRoute,
  announceRoutes,
  ownRoutes,
  peerRoutes,
  PRIMARY_ROUTE,
  removeRoute,
  type OwnRoute,
} from "./core/mod.js";
export type { PairRequest, PairResponse, PeerTarget, PeerTransport } from "./delivery/mod.js";
export type { ReceiveTiming, StationEvents } from "./core/mod.js";
export { LINK_STATE_VALUES, StationMetrics } from "./metrics/mod.js";
export type { StationMetricsOptions } from "./metrics/mod.js";
export { statusOf } from "./links/mod.js";
export {
  FULL_EXCHANGE_EVERY,
  LinkMonitor,
  RELAYS_PER_ROUND,
  RoutedTransport,
  answerHeadsDigest,
} from "./links/mod.js";
export type { PeerRouting, RouteState, RoutedTransportOptions } from "./links/mod.js";
export type { LinkMonitorOptions } from "./links/mod.js";
export { DEFAULT_LINK_RULES, afterTest, quantile, recentRtts, untestedLink } from "./links/mod.js";
export type { Health, LinkRules, LinkState, RttSample, TestResult } from "./links/mod.js";
export { MAX_INCIDENTS, MAX_ROUTE_CHANGES_SHOWN, UPTIME_WINDOWS, healthReport } from "./links/mod.js";
export type { LinkStates } from "./links/mod.js";
export { DEFAULT_SETTINGS, settingsOf, suspensionOf } from "./core/mod.js";
export { ackAlarm, alarmOf, alarmsOf } from "./attention/mod.js";
export { keepSession, liveSession, endSession } from "./core/mod.js";
export { chainPage, lineRecord, type LineRecord } from "./evidence/mod.js";
export { namesOn } from "./core/mod.js";
export {
  addHook,
  HOOK_REQUEST,
  listHooks,
  parseHookRequest,
  removeHook,
  SEVERITIES,
  severityReaches,
} from "./attention/mod.js";
export type { HookRequest, HookView } from "./attention/mod.js";
export { AlarmLog, HookRunner } from "./attention/mod.js";
export type { AlarmNotice, HookRunnerOptions } from "./attention/mod.js";
export {
  ACKABLE_KINDS,
  DeadlineWatch,
  ackEntry,
  ackStatesOf,
  acksOf,
  deadlineOf,
  isAckable,
} from "./attention/mod.js";
export { resolveEntry } from "./core/mod.js";
export { PresenceTests } from "./attention/mod.js";
export { answerCall, callOf, callsOf, recordCallHeld, requestCall } from "./calls/mod.js";
export type { CallRequest } from "./calls/mod.js";
export { markReadout, publishReadout, readoutsOf } from "./calls/mod.js";
export { compareTexts, keyTermsOf, sentencesOf } from "./calls/mod.js";
export type { ComparedPoint, TextComparison } from "./calls/mod.js";
export {
  machineTranslate,
  TRANSLATABLE_KINDS,
  translateEntry,
  translationsByOriginal,
  translationsOf,
} from "./thread/mod.js";
export type { MachineTranslator, TranslationRequest } from "./thread/mod.js";
export { exportBundle } from "./evidence/mod.js";
export { verifyBundle } from "./evidence/mod.js";
export type { BundleReport, Coverage } from "./evidence/mod.js";
export { renderTranscript, TRANSCRIPT_FORMATS } from "./evidence/mod.js";
export type { TranscriptFormat } from "./evidence/mod.js";
export type { AckMark } from "./attention/mod.js";
export { amendNotification, clarify, NOTIFY_KINDS, notificationsOf, notify } from "./notify/mod.js";
export type { NotificationDraft } from "./notify/mod.js";
export { conflictBetween, conflictId, conflictsAmong, VolumeIndex } from "./notify/mod.js";
export type { OwnedVolume } from "./notify/mod.js";
export { areasOverlap, overlapOf, shapeOf } from "./notify/mod.js";
export type { Shape } from "./notify/mod.js";
export { conflictsOf, NotifyWatch, syncAllNotifyAlarms, syncNotifyAlarms, volumesOf } from "./notify/mod.js";
export { addZone, listZones, removeZone, shareZone, zoneVolumes } from "./notify/mod.js";
export { mapOf } from "./notify/mod.js";
export { SHARED_ZONE_KINDS, sharedZoneVolumes, sharedZonesOf, withdrawSharedZone } from "./notify/mod.js";
export { isNotifyTextKind, notifyText, volumeText } from "./notify/mod.js";
export { notificationFromFile, notificationsToGeoJson } from "./notify/mod.js";
