import type { StoredEntry, Transaction } from "./store.js";

/** What a store's tables answer: every call of a transaction but `allEntries`, and a page of entries. */
type TableCalls = Omit<Transaction, "allEntries"> & {
  /** @returns entries of every line with arrival number > after, in arrival order, at most limit */
  entriesPage(after: number, limit: number): Promise<StoredEntry[]>;
};

/**
 * A store's tables, one method per call: answering at once (SQLite's, synchronous) or with a
 * promise (PostgreSQL's).
 */
export type Tables = {
  [K in keyof TableCalls]: (
    ...args: Parameters<TableCalls[K]>
  ) => ReturnType<TableCalls[K]> | Awaited<ReturnType<TableCalls[K]>>;
};

/**
 * Runs a call on a store's tables: a read on a reader, or a write on the writer, one at a time.
 * `durable: false` commits without waiting for the disk (see AuditStore.addAudit).
 */
export type TablesRunner<T> = <R>(
  fn: (tables: T) => R | Promise<R>,
  options?: { durable: boolean },
) => Promise<R>;

/**
 * The async interface of a store over its tables, the same for every engine: each call is a read
 * or a write, run by the engine's runner; `allEntries` reads a page at a time.
 *
 * @param read runs a read
 * @param write runs a write
 * @param page entries read at a time by `allEntries`
 * @returns the interface
 */
export function tablesView<T extends Tables>(
  read: TablesRunner<T>,
  write: TablesRunner<T>,
  page: number,
): Transaction {
  return {
    allEntries: () => pages(read, page),
    appendEntries: (entries, receivedAt, from) =>
      write((t) => t.appendEntries(entries, receivedAt, from ?? null)),
    head: (line, author) => read((t) => t.head(line, author)),
    heads: (line) => read((t) => t.heads(line)),
    entryByHash: (hash) => read((t) => t.entryByHash(hash)),
    entryPlace: (hash) => read((t) => t.entryPlace(hash)),
    entriesByHashPrefix: (prefix, limit) => read((t) => t.entriesByHashPrefix(prefix, limit)),
    entryAt: (line, author, seq) => read((t) => t.entryAt(line, author, seq)),
    entries: (line) => read((t) => t.entries(line)),
    entriesOfKind: (line, kind, since) => read((t) => t.entriesOfKind(line, kind, since)),
    entriesAfter: (line, after, limit) => read((t) => t.entriesAfter(line, after, limit)),
    chainAfter: (line, author, after, limit) => read((t) => t.chainAfter(line, author, after, limit)),
    countEntries: () => read((t) => t.countEntries()),
    line: (id) => read((t) => t.line(id)),
    lines: () => read((t) => t.lines()),
    participants: (line) => read((t) => t.participants(line)),
    members: (line) => read((t) => t.members(line)),
    linesOf: (station) => read((t) => t.linesOf(station)),
    membersWithCert: (cert) => read((t) => t.membersWithCert(cert)),
    membershipsOf: (station) => read((t) => t.membershipsOf(station)),
    retirePreviousCerts: (station, cert) => write((t) => t.retirePreviousCerts(station, cert)),
    // A receipt is the peer's word about entries it holds durably: lost in a power cut, it is asked
    // for again (the courier compares heads with each peer when it starts). Not worth a disk flush
    // on every message's path (see StatementStore.addStatement).
    addStatement: (statement, receivedAt) =>
      write((t) => t.addStatement(statement, receivedAt), { durable: false }),
    coveredSeq: (line, peer, author) => read((t) => t.coveredSeq(line, peer, author)),
    coverage: (line) => read((t) => t.coverage(line)),
    latestStatements: (line) => read((t) => t.latestStatements(line)),
    addInvite: (invite) => write((t) => t.addInvite(invite)),
    invite: (id) => read((t) => t.invite(id)),
    useInvite: (id, by, at) => write((t) => t.useInvite(id, by, at)),
    // The time of last contact is a hint for the operator, rewritten every few seconds per peer
    // while links are tested: not worth a disk flush each time (an idle station's largest cost).
    contactSucceeded: (station, at) => write((t) => t.contactSucceeded(station, at), { durable: false }),
    contactFailed: (station, error, at) => write((t) => t.contactFailed(station, error, at)),
    contact: (station) => read((t) => t.contact(station)),
    addEvidence: (evidence) => write((t) => t.addEvidence(evidence)),
    evidence: (line) => read((t) => t.evidence(line)),
    droppedEvidence: (line, author) => read((t) => t.droppedEvidence(line, author)),
    raiseAlarm: (alarm) => write((t) => t.raiseAlarm(alarm)),
    alarms: (options) => read((t) => t.alarms(options)),
    alarm: (id) => read((t) => t.alarm(id)),
    alarmRaised: (code, entry, peer) => read((t) => t.alarmRaised(code, entry, peer)),
    clearAlarms: (where, at) => write((t) => t.clearAlarms(where, at)),
    clearAlarmsOfEntry: (where, at) => write((t) => t.clearAlarmsOfEntry(where, at)),
    escalateAlarm: (id, level, audience, at) => write((t) => t.escalateAlarm(id, level, audience, at)),
    unattendedAlarms: (codes) => read((t) => t.unattendedAlarms(codes)),
    ackAlarm: (id, by, at) => write((t) => t.ackAlarm(id, by, at)),
    addHook: (hook) => write((t) => t.addHook(hook)),
    hooks: () => read((t) => t.hooks()),
    removeHook: (id) => write((t) => t.removeHook(id)),
    addZone: (zone) => write((t) => t.addZone(zone)),
    zones: () => read((t) => t.zones()),
    removeZone: (name) => write((t) => t.removeZone(name)),
    addRoute: (route) => write((t) => t.addRoute(route)),
    routes: () => read((t) => t.routes()),
    removeRoute: (name) => write((t) => t.removeRoute(name)),
    ackKeyChange: (ack) => write((t) => t.ackKeyChange(ack)),
    keyChangeAcks: (line) => read((t) => t.keyChangeAcks(line)),
    addHealthChange: (change) => write((t) => t.addHealthChange(change)),
    healthHistory: (where) => read((t) => t.healthHistory(where)),
    addRouteChange: (change) => write((t) => t.addRouteChange(change)),
    routeHistory: (where) => read((t) => t.routeHistory(where)),
    addOperator: (operator) => write((t) => t.addOperator(operator)),
    operator: (name) => read((t) => t.operator(name)),
    operators: () => read((t) => t.operators()),
    setOperatorPassword: (name, passwordHash) => write((t) => t.setOperatorPassword(name, passwordHash)),
    setOperatorDisabled: (name, disabled) => write((t) => t.setOperatorDisabled(name, disabled)),
    operatorLang: (name) => read((t) => t.operatorLang(name)),
    setOperatorLang: (name, lang) => write((t) => t.setOperatorLang(name, lang)),
    addSession: (session) => write((t) => t.addSession(session)),
    session: (idHash, now) => read((t) => t.session(idHash, now)),
    deleteSession: (idHash) => write((t) => t.deleteSession(idHash)),
    deleteSessionsOf: (operator) => write((t) => t.deleteSessionsOf(operator)),
    secondFactor: (operator) => read((t) => t.secondFactor(operator)),
    startSecondFactor: (row) => write((t) => t.startSecondFactor(row)),
    confirmSecondFactor: (operator, step, hashes, at) =>
      write((t) => t.confirmSecondFactor(operator, step, hashes, at)),
    useTotpStep: (operator, step) => write((t) => t.useTotpStep(operator, step)),
    useRecoveryCode: (operator, hash, at) => write((t) => t.useRecoveryCode(operator, hash, at)),
    recoveryCodesLeft: (operator) => read((t) => t.recoveryCodesLeft(operator)),
    deleteSecondFactor: (operator) => write((t) => t.deleteSecondFactor(operator)),
    addAudit: (row) => write((t) => t.addAudit(row), { durable: false }),
    audit: (query) => read((t) => t.audit(query)),
  };
}

async function* pages<T extends Tables>(read: TablesRunner<T>, size: number): AsyncIterable<StoredEntry> {
  let after = 0;
  for (;;) {
    const page = await read((t) => t.entriesPage(after, size));
    yield* page;
    const last = page[page.length - 1];
    if (last === undefined || page.length < size) return;
    after = last.n;
  }
}
