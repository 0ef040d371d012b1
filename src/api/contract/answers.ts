/**
 * The schemas of what the operator API answers: the station's views (src/station/views.ts), each
 * tied to its view type by {@link viewOf}, so a field added to one and not the other fails to
 * compile. Node-free, like the whole contract: the console reads it as types.
 *
 * @module
 */
import { z } from "zod";
import { CALL_LEVELS, ESCALATION_ROLES, PRECEDENCES, ROUTE, VERDICTS } from "../../record/kinds.js";
import { NOTIFY_TYPES } from "../../record/volume.js";
import type { AlarmRow, Role } from "../../store/rows.js";
import type * as views from "../../station/views/mod.js";
import type { RecordSummary, SessionView, StationIdentity } from "../views.js";
import { viewOf } from "./route.js";

const nullable = <S extends z.ZodType>(schema: S) => schema.nullable();
const TEXT = z.string();
const COUNT = z.number();

/** An operator's role. */
export const ROLE = viewOf<Role>()(z.enum(["officer", "supervisor", "admin", "observer"]));
const HEALTH = viewOf<views.Health>()(z.enum(["unknown", "up", "degraded", "down"]));
const SEVERITY = viewOf<views.Severity>()(z.enum(["info", "warning", "critical"]));
const NOTIFY_TYPE = z.enum(NOTIFY_TYPES);

// Geometry, as stored and drawn

const POSITION = viewOf<views.Position>()(z.tuple([z.number(), z.number()]));
const POLYGON = viewOf<views.PolygonGeometry>()(
  z.object({ type: z.literal("Polygon"), coordinates: z.array(z.array(POSITION)) }),
);
const MULTI_POLYGON = viewOf<views.MultiPolygonGeometry>()(
  z.object({ type: z.literal("MultiPolygon"), coordinates: z.array(z.array(z.array(POSITION))) }),
);
const CIRCLE = viewOf<views.CircleGeometry>()(z.object({ center: POSITION, radiusMeters: z.number() }));
const VOLUME_GEOMETRY = viewOf<views.VolumeGeometry>()(z.union([POLYGON, MULTI_POLYGON, CIRCLE]));
const VOLUME = viewOf<views.Volume>()(
  z.object({
    geometry: VOLUME_GEOMETRY,
    altitude: z.object({ minMeters: z.number(), maxMeters: z.number(), ref: z.literal("MSL") }),
    time: z.object({ start: TEXT, end: TEXT }),
  }),
);

// Lines and status

/** Who a station is. */
export const WHOAMI = viewOf<views.WhoAmI>()(
  z.object({ id: TEXT, name: TEXT, fingerprint: TEXT, cert: TEXT, url: TEXT, store: TEXT }),
);

/** A line's settings in force. */
export const LINE_SETTINGS = viewOf<views.LineSettings>()(
  z.object({
    testInterval: COUNT,
    presenceSchedule: TEXT,
    presenceDeadline: COUNT,
    ackDeadlines: z.record(z.enum(PRECEDENCES), z.number()),
    escalation: z.array(z.enum(ESCALATION_ROLES)),
    noticeHours: z.partialRecord(NOTIFY_TYPE, z.number()),
    maxWindowHours: COUNT,
  }),
);

/** A line's suspension. */
export const SUSPENSION = viewOf<views.Suspension>()(
  z.object({ since: TEXT, station: TEXT, by: TEXT, reason: TEXT }),
);

/** A line and its participants. */
export const LINE_SUMMARY = viewOf<views.LineSummary>()(
  z.object({
    id: TEXT,
    name: TEXT,
    participants: z.array(
      z.object({
        id: TEXT,
        name: TEXT,
        fingerprint: TEXT,
        safetyCode: nullable(TEXT),
        pending: z.boolean(),
        awaiting: z.array(TEXT),
        routes: z.array(ROUTE),
        keyChange: nullable(z.object({ at: TEXT, key: TEXT })),
      }),
    ),
    entries: COUNT,
    settings: LINE_SETTINGS,
    suspended: nullable(SUSPENSION),
  }),
);

const ROUTE_STATUS = viewOf<views.RouteStatus>()(
  ROUTE.extend({ health: HEALTH, rttMs: nullable(z.number()), active: z.boolean(), standby: z.boolean() }),
);

const PARTICIPANT_STATUS = viewOf<views.ParticipantStatus>()(
  z.object({
    id: TEXT,
    name: TEXT,
    url: TEXT,
    routes: z.array(ROUTE_STATUS),
    switchedAt: nullable(TEXT),
    connected: z.boolean(),
    lastContact: nullable(TEXT),
    outbox: COUNT,
    health: HEALTH,
    lastTestAt: nullable(TEXT),
    rttMs: nullable(z.number()),
    relay: nullable(
      viewOf<views.RelayStatus>()(z.object({ via: TEXT, viaName: TEXT, since: TEXT, lastHeard: TEXT })),
    ),
    revokedKey: nullable(z.object({ since: TEXT, at: TEXT })),
  }),
);

/** What `hotline status` shows. */
export const STATION_STATUS = viewOf<views.StationStatus>()(
  z.object({
    station: z.object({ id: TEXT, name: TEXT, url: TEXT, store: TEXT }),
    running: z.boolean(),
    zones: TEXT,
    lines: z.array(
      viewOf<views.LineStatus>()(
        z.object({
          id: TEXT,
          name: TEXT,
          entries: COUNT,
          suspended: nullable(SUSPENSION),
          unacked: COUNT,
          awaitingAcks: COUNT,
          participants: z.array(PARTICIPANT_STATUS),
        }),
      ),
    ),
    role: z.enum(["active", "standby"]).exactOptional(),
    activeSince: TEXT.exactOptional(),
    active: viewOf<views.ActiveProcess>()(
      z.object({ who: TEXT, holder: TEXT, epoch: COUNT, expiresAt: TEXT }),
    ).exactOptional(),
  }),
);

// The record, translations, alarms, health

/** A translation attached to an entry. */
export const TRANSLATION = viewOf<views.TranslationView>()(
  z.object({
    hash: TEXT,
    of: TEXT,
    lang: TEXT,
    text: TEXT,
    translator: TEXT,
    machine: z.boolean(),
    byAuthor: z.boolean(),
    authoritative: z.literal(false),
    station: TEXT,
    stationName: TEXT,
    operator: TEXT,
    time: TEXT,
  }),
);

/** One entry of a transcript. */
export const LOG_ENTRY = viewOf<views.LogEntry>()(
  z.object({
    hash: TEXT,
    line: TEXT,
    author: TEXT,
    authorName: TEXT,
    seq: COUNT,
    time: TEXT,
    kind: TEXT,
    body: z.record(z.string(), z.unknown()),
    receipts: z.record(z.string(), TEXT),
    via: z.object({ station: TEXT, name: TEXT }).exactOptional(),
    acks: z.record(z.string(), z.object({ by: TEXT, time: TEXT })),
    deadline: nullable(TEXT),
    ackStates: z.record(z.string(), z.enum(["acked", "pending", "overdue"])),
    translations: z.array(TRANSLATION).exactOptional(),
  }),
);

/** An alarm. */
export const ALARM = viewOf<AlarmRow>()(
  z.object({
    id: COUNT,
    code: TEXT,
    severity: SEVERITY,
    line: nullable(TEXT),
    peer: nullable(TEXT),
    entry: nullable(TEXT),
    detail: TEXT,
    raisedAt: TEXT,
    count: COUNT,
    lastRaisedAt: TEXT,
    clearedAt: nullable(TEXT),
    ackedBy: nullable(TEXT),
    ackedAt: nullable(TEXT),
    audience: nullable(TEXT),
    escalation: COUNT,
    escalatedAt: nullable(TEXT),
  }),
);

const NULLABLE_MS = nullable(z.number());

/** A line's health report. */
export const HEALTH_REPORT = viewOf<views.HealthReport>()(
  z.object({
    line: z.object({ id: TEXT, name: TEXT }),
    generatedAt: TEXT,
    running: z.boolean(),
    participants: z.array(
      z.object({
        id: TEXT,
        name: TEXT,
        state: HEALTH,
        routes: z.array(
          viewOf<views.RouteHealth>()(
            ROUTE_STATUS.extend({
              uptime: z.record(z.enum(["1h", "24h", "7d"]), NULLABLE_MS),
              changedAt: nullable(TEXT),
            }),
          ),
        ),
        switchedAt: nullable(TEXT),
        routeHistory: z.array(
          viewOf<views.RouteChange>()(
            z.object({
              route: TEXT,
              kind: z.enum(["health", "switch"]),
              from: nullable(TEXT),
              to: TEXT,
              at: TEXT,
              detail: TEXT,
            }),
          ),
        ),
        lastTestAt: nullable(TEXT),
        rttMs: z.object({ last: NULLABLE_MS, p50: NULLABLE_MS, p95: NULLABLE_MS, samples: COUNT }),
        uptime: z.record(z.enum(["1h", "24h", "7d"]), NULLABLE_MS),
        incidents: z.array(
          viewOf<views.Incident>()(
            z.object({
              start: TEXT,
              detectedAt: TEXT,
              end: nullable(TEXT),
              endedBy: nullable(z.enum(["recovery", "stop"])),
              timeToDetectMs: z.number(),
              durationMs: NULLABLE_MS,
              detail: TEXT,
            }),
          ),
        ),
      }),
    ),
  }),
);

// Calls and readouts

const ACTOR = viewOf<views.Actor>()(z.object({ station: TEXT, stationName: TEXT, operator: TEXT }));
const STATION_NAMED = z.object({ station: TEXT, stationName: TEXT });

/** A call as the record tells it. */
export const CALL = viewOf<views.CallView>()(
  z.object({
    id: TEXT,
    line: TEXT,
    requestedBy: ACTOR,
    requestedAt: TEXT,
    level: z.enum(CALL_LEVELS),
    topic: TEXT,
    proposedTime: TEXT,
    participants: z.array(TEXT),
    state: z.enum(["requested", "accepted", "declined", "held", "cancelled"]),
    responses: z.array(
      ACTOR.extend({
        kind: z.enum(["accept", "decline", "cancel"]),
        time: TEXT,
        hash: TEXT,
        reason: nullable(TEXT),
      }),
    ),
    held: z.array(
      ACTOR.extend({
        start: TEXT,
        end: TEXT,
        durationSeconds: z.number(),
        participants: z.array(TEXT),
        initiatedBy: STATION_NAMED,
        time: TEXT,
        hash: TEXT,
      }),
    ),
    start: nullable(TEXT),
    end: nullable(TEXT),
    durationSeconds: nullable(z.number()),
    initiatedBy: nullable(STATION_NAMED),
  }),
);

const MARK = viewOf<views.MarkView>()(
  z.object({
    hash: TEXT,
    station: TEXT,
    stationName: TEXT,
    operator: TEXT,
    time: TEXT,
    verdict: z.enum(VERDICTS),
    comment: nullable(TEXT),
    quote: TEXT,
  }),
);

const COMPARED_SIDE = viewOf<views.ComparedSide>()(
  z.object({
    station: TEXT,
    stationName: TEXT,
    readout: TEXT,
    lang: TEXT,
    source: z.enum(["original", "translation"]),
    translation: nullable(TEXT),
    machine: z.boolean(),
  }),
);

const MARKED_POINT = viewOf<views.MarkedPoint>()(
  z.object({
    readout: TEXT,
    station: TEXT,
    stationName: TEXT,
    index: COUNT,
    text: TEXT,
    by: z.array(STATION_NAMED.extend({ comment: nullable(TEXT) })),
  }),
);

const INDEXED_TEXT = z.object({ index: COUNT, text: TEXT });

/** Every side's readouts of a call, compared. */
export const READOUTS = viewOf<views.ReadoutsView>()(
  z.object({
    call: CALL,
    readouts: z.array(
      viewOf<views.ReadoutView>()(
        z.object({
          hash: TEXT,
          station: TEXT,
          stationName: TEXT,
          operator: TEXT,
          time: TEXT,
          lang: TEXT,
          text: TEXT,
          latest: z.boolean(),
          points: z.array(
            viewOf<views.PointView>()(
              z.object({
                index: COUNT,
                text: TEXT,
                mentionedByOthers: nullable(z.boolean()),
                marks: z.array(MARK),
                verdicts: z.record(z.string(), z.enum(VERDICTS)),
              }),
            ),
          ),
          translations: z.array(TRANSLATION),
        }),
      ),
    ),
    comparisons: z.array(
      viewOf<views.ComparisonView>()(
        z.object({
          a: COMPARED_SIDE,
          b: COMPARED_SIDE,
          comparable: z.boolean(),
          reason: nullable(TEXT),
          both: z.array(z.object({ a: COUNT, b: COUNT, aText: TEXT, bText: TEXT, score: z.number() })),
          onlyA: z.array(INDEXED_TEXT),
          onlyB: z.array(INDEXED_TEXT),
        }),
      ),
    ),
    agreed: z.array(MARKED_POINT),
    disputed: z.array(MARKED_POINT),
    unplaced: z.array(MARK.extend({ readout: TEXT, point: COUNT })),
  }),
);

// Notifications, zones, conflicts and the map

const SAID_BY = z.object({ hash: TEXT, station: TEXT, stationName: TEXT, operator: TEXT, time: TEXT });

/** A notification as the record tells it. */
export const NOTIFICATION = viewOf<views.NotificationView>()(
  z.object({
    id: TEXT,
    hash: TEXT,
    line: TEXT,
    station: TEXT,
    stationName: TEXT,
    operator: TEXT,
    time: TEXT,
    updatedAt: nullable(TEXT),
    state: z.enum(["active", "cancelled"]),
    cancelledAt: nullable(TEXT),
    type: NOTIFY_TYPE,
    title: TEXT,
    description: TEXT,
    volumes: z.array(VOLUME),
    noticeHours: nullable(z.number()),
    marginHours: nullable(z.number()),
    givenAt: TEXT,
    late: z.boolean(),
    tooLong: z.boolean(),
    clarifications: z.array(
      viewOf<views.ClarificationView>()(
        SAID_BY.extend({
          question: TEXT,
          answers: z.array(viewOf<views.ClarificationAnswer>()(SAID_BY.extend({ text: TEXT }))),
        }),
      ),
    ),
  }),
);

/** A line's notifications as GeoJSON: one Feature per volume (a circle as a Point with its radius). */
export const NOTIFICATIONS_GEOJSON = z.object({
  type: z.literal("FeatureCollection"),
  features: z.array(
    z.object({
      type: z.literal("Feature"),
      geometry: z.union([
        POLYGON,
        MULTI_POLYGON,
        z.object({ type: z.literal("Point"), coordinates: POSITION }),
      ]),
      properties: z.record(z.string(), z.unknown()),
    }),
  ),
});

/** A zone this station protects, or an activity it plans. */
export const ZONE = viewOf<views.ZoneView>()(
  z.object({
    name: TEXT,
    kind: z.enum(["protected", "plan"]),
    geometry: z.union([POLYGON, MULTI_POLYGON]),
    minAltitude: nullable(z.number()),
    maxAltitude: nullable(z.number()),
    from: nullable(TEXT),
    to: nullable(TEXT),
    createdBy: TEXT,
    createdAt: TEXT,
  }),
);

/** A zone shared on a line. */
export const SHARED_ZONE = viewOf<views.SharedZoneView>()(
  z.object({
    id: TEXT,
    line: TEXT,
    station: TEXT,
    stationName: TEXT,
    operator: TEXT,
    time: TEXT,
    name: TEXT,
    geometry: VOLUME_GEOMETRY,
    minAltitude: nullable(z.number()),
    maxAltitude: nullable(z.number()),
    from: nullable(TEXT),
    to: nullable(TEXT),
    state: z.enum(["active", "withdrawn"]),
    withdrawnAt: nullable(TEXT),
  }),
);

/** Two volumes that share space, altitude and time. */
export const CONFLICT = viewOf<views.Conflict>()(
  z.object({
    id: TEXT,
    a: TEXT,
    b: TEXT,
    volumeA: COUNT,
    volumeB: COUNT,
    from: TEXT,
    to: TEXT,
    minAltitude: z.number(),
    maxAltitude: z.number(),
    line: nullable(TEXT),
    severity: z.enum(["warning", "critical"]),
  }),
);

/** Everything the console's map draws. */
export const MAP = viewOf<views.MapView>()(
  z.object({
    lines: z.array(z.object({ id: TEXT, name: TEXT })),
    notifications: z.array(NOTIFICATION),
    volumes: z.object({
      type: z.literal("FeatureCollection"),
      features: z.array(
        viewOf<views.MapVolume>()(
          z.object({
            type: z.literal("Feature"),
            geometry: MULTI_POLYGON,
            properties: z.object({
              notification: TEXT,
              hash: TEXT,
              volume: COUNT,
              line: TEXT,
              type: NOTIFY_TYPE,
              title: TEXT,
              stationName: TEXT,
              state: z.enum(["active", "cancelled"]),
              late: z.boolean(),
              minMeters: z.number(),
              maxMeters: z.number(),
              start: TEXT,
              end: TEXT,
            }),
          }),
        ),
      ),
    }),
    zones: z.array(ZONE),
    sharedZones: z.array(SHARED_ZONE),
    conflicts: z.array(CONFLICT.extend({ overlap: nullable(MULTI_POLYGON) })),
  }),
);

// The console's own

/** What the console learns of its session. */
export const SESSION = viewOf<SessionView>()(
  z.object({
    operator: z.object({ name: TEXT, role: ROLE, lang: nullable(TEXT) }),
    csrf: TEXT,
    station: z.object({ id: TEXT, name: TEXT, fingerprint: TEXT, url: TEXT }),
    secondFactor: z.object({ on: z.boolean(), required: z.boolean() }),
  }),
);

/** Which station this is, for the sign-in page. */
export const STATION_IDENTITY = viewOf<StationIdentity>()(z.object({ name: TEXT, fingerprint: TEXT }));

/** A line's record, verified and compared with each peer's heads. */
export const RECORD_SUMMARY = viewOf<RecordSummary>()(
  z.object({
    line: TEXT,
    entries: COUNT,
    valid: z.boolean(),
    problems: z.array(z.object({ code: TEXT, detail: TEXT })),
    peers: z.array(
      z.object({
        id: TEXT,
        name: TEXT,
        match: z.boolean(),
        asOf: nullable(TEXT),
        missing: COUNT,
        extra: COUNT,
        diverged: COUNT,
      }),
    ),
    checkedAt: TEXT,
  }),
);

// Operators and hooks

/** An operator as listed. */
export const OPERATOR_SUMMARY = z.object({ name: TEXT, role: ROLE, disabled: z.boolean(), createdAt: TEXT });

/** A hook as listed and answered. */
export const HOOK = z.object({
  id: COUNT,
  severity: SEVERITY,
  command: nullable(z.array(TEXT)),
  webhook: nullable(TEXT),
  createdBy: TEXT,
  createdAt: TEXT,
});

/** What writing a signed entry answers: its hash and its sequence number in the author's chain. */
export const WRITTEN = z.object({ hash: TEXT, seq: COUNT });
