/**
 * The station core: a station's identity, keys and TLS files, config, operators and sessions,
 * settings, writing entries and receiving them (cheapest check first), reading stored entries,
 * routes (its own, and its peers' as they announced them), `verify` and its worker threads, the
 * clock and the logger. Imports no feature folder.
 *
 * This file is the folder's only door (see docs/DESIGN.md, the map).
 *
 * @module
 */
export { MAX_CLOCK_AHEAD_MS, applyIncoming, pinConflict } from "./apply.js";
export type { ApplyResult, PreparedEntry } from "./apply.js";
export { removeStraySnapshots, snapshotDatabase, snapshotPath, writeBackup } from "./backup.js";
export type { DatabaseSnapshot, WriteBackupOptions } from "./backup.js";
export { BACKUP_MAGIC } from "./backup-file.js";
export type { BackupHeader } from "./backup-file.js";
export { MIN_PASSPHRASE_LENGTH } from "./backup-keys.js";
export { migrateStore, type MigrateStoreResult } from "./migrate-store.js";
export { restoreBackup } from "./restore.js";
export type { RestoreOptions, RestoreResult } from "./restore.js";
export { completeRenewal, pendingCertPaths, renewCertificate } from "./cert-renewal.js";
export type { CertRenewal } from "./cert-renewal.js";
export { CERT_EXPIRING_DAYS, CertWatch, checkCertExpiry } from "./cert-watch.js";
export { isoNow, systemClock } from "./clock.js";
export { addRoute, announceRoutes, ownRoutes, removeRoute, type OwnRoute } from "./routes.js";
export { announcedRoutesOn, peerRoutes, PRIMARY_ROUTE } from "./peer-routes.js";
export type { Clock, Timer } from "./clock.js";
export {
  DEFAULT_API,
  DEFAULT_LISTEN,
  freeLoopbackPort,
  parseHostPort,
  readConfig,
  stationPaths,
} from "./config.js";
export type { StationConfig, StationPaths } from "./config.js";
export { checkedBody, entriesOfKinds, namesOn, readEntry, referencedEntry, resolveEntry } from "./entries.js";
export type { ReadEntry } from "./entries.js";
export { initStation } from "./init.js";
export {
  describeStoreLocation,
  openStore,
  parseStoreUrl,
  saveStoreUrl,
  storeLocationOf,
  type StoreLocation,
} from "./store-location.js";
export type { InitOptions, InitResult } from "./init.js";
export {
  DEFAULT_LEASE_TTL_MS,
  LeaseLoop,
  describeHolder,
  pairStatus,
  readHolder,
  type LeaseHolder,
  type LeaseLoopOptions,
  type Role,
  type RoleChanges,
} from "./lease-loop.js";
export type { Fence } from "./fenced-store.js";
export { setUpStandby, type StandbySetup, type StandbySetupOptions } from "./standby-setup.js";
export { readIdentityFile } from "./key-files.js";
export { requireCurrentKey } from "./key-match.js";
export type { LogFields, PartLogger, StationLogger } from "./logger.js";
export { ManualClock } from "./manual-clock.js";
export { OPERATOR_NAME, PASSWORD, ROLES } from "./operator-schemas.js";
export {
  MIN_PASSWORD_LENGTH,
  PERMISSIONS,
  addOperator,
  disableOperator,
  findOperator,
  listOperators,
  operatorLang,
  requireRole,
  setOperatorLang,
  setPassword,
} from "./operators.js";
export type { AddedOperator, OperatorSummary, Permission } from "./operators.js";
export { causalOrder } from "./order.js";
export { MAX_AUDIT_READ, readAudit, recordAudit } from "./audit.js";
export {
  RECOVERY_CODES,
  checkSecondFactor,
  confirmEnrolment,
  disableSecondFactor,
  lacksRequiredSecondFactor,
  resetSecondFactor,
  secondFactorStatus,
  startEnrolment,
} from "./second-factor.js";
export type { Enrolment, SecondFactorStatus, SecondFactorUsed } from "./second-factor.js";
export { SECOND_FACTOR_KEY_FILE } from "./second-factor-key.js";
export { totpCode, totpStep } from "./totp.js";
export { checkPassword, generatePassword, hashPassword } from "./password.js";
export { endSession, keepSession, liveSession } from "./sessions.js";
export { DEFAULT_SETTINGS, settingsOf, suspensionOf } from "./settings.js";
export { Station } from "./station.js";
export type {
  Draft,
  OpenOptions,
  ReceiveTiming,
  SendOptions,
  SettingsChanges,
  StationEvents,
} from "./station.js";
export { certFingerprint, certNotAfter, fingerprintOfDer, makeSelfSignedCertificate } from "./tls.js";
export { verifyRecord } from "./verify.js";
export type { VerifyOptions, VerifyReport } from "./verify.js";
