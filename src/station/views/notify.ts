/** Notifications, zones, conflicts and the map. Types only (see mod.ts). */
import type {
  MultiPolygonGeometry,
  NotifyType,
  PolygonGeometry,
  Volume,
  VolumeGeometry,
} from "../../record/volume.js";

/** An answer to a question about a notification (`clarify.answer`). */
export interface ClarificationAnswer {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  text: string;
}

/** A question about a notification (`clarify`), and its answers. */
export interface ClarificationView {
  hash: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  question: string;
  answers: ClarificationAnswer[];
}

/** A notification as the record tells it: its current version, its notice, its questions. */
export interface NotificationView {
  /** the original `notify` entry's hash */
  id: string;
  /** the current version's hash (the latest update's, else the id): what conflicts name */
  hash: string;
  line: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  updatedAt: string | null;
  state: "active" | "cancelled";
  cancelledAt: string | null;
  type: NotifyType;
  title: string;
  description: string;
  volumes: Volume[];
  /** the notice the line's rules ask for this type, in hours (null: none) */
  noticeHours: number | null;
  /**
   * hours from when this station first held the notification (written here, or received: never
   * the author's own clock, which a peer could set back) to its first volume's start, less the
   * notice asked for
   */
  marginHours: number | null;
  /** when this station first held it, which notice is judged from */
  givenAt: string;
  /** true when it came later than the line's notice rule for its type (LATE_NOTICE) */
  late: boolean;
  /** true when a volume's window is longer than the line's `maxWindowHours` */
  tooLong: boolean;
  clarifications: ClarificationView[];
}

/** A zone this station protects, or an activity it plans: private, never on a line. */
export interface ZoneView {
  name: string;
  /** an area this station protects, or an activity it plans (shared on a line with `zone share`) */
  kind: "protected" | "plan";
  /** never a circle: a zone is added from GeoJSON */
  geometry: PolygonGeometry | MultiPolygonGeometry;
  /** altitude band in metres (MSL); null: unbounded */
  minAltitude: number | null;
  maxAltitude: number | null;
  /** time window (UTC ISO with ms); null: unbounded */
  from: string | null;
  to: string | null;
  createdBy: string;
  createdAt: string;
}

/** Two volumes that share space, altitude and time: the same at every station that holds them. */
export interface Conflict {
  /** SHA-256 (hex) of the canonical pair: owners sorted, with their volume indexes */
  id: string;
  /** the notification's hash, or "zone:NAME" / "plan:NAME"; a sorts before b */
  a: string;
  b: string;
  volumeA: number;
  volumeB: number;
  /** the overlap of the two time windows (UTC ISO with ms) */
  from: string;
  to: string;
  /** the overlap of the two altitude bands, in metres (MSL) */
  minAltitude: number;
  maxAltitude: number;
  line: string | null;
  severity: "warning" | "critical";
}

/** A conflict with the area its two volumes share, to draw. */
export interface MapConflict extends Conflict {
  /** the shared area, or null when it could not be computed */
  overlap: MultiPolygonGeometry | null;
}

/** A notification's volume, drawn: its area as conflict checks see it (a circle as its polygon). */
export interface MapVolume {
  type: "Feature";
  geometry: MultiPolygonGeometry;
  properties: {
    /** the notification's id (its first entry) and current hash (what conflicts name) */
    notification: string;
    hash: string;
    volume: number;
    line: string;
    type: NotifyType;
    title: string;
    stationName: string;
    state: NotificationView["state"];
    late: boolean;
    minMeters: number;
    maxMeters: number;
    start: string;
    end: string;
  };
}

/** Everything the console's map draws, from one read. */
export interface MapView {
  lines: { id: string; name: string }[];
  notifications: NotificationView[];
  volumes: { type: "FeatureCollection"; features: MapVolume[] };
  /** this station's own protected zones and plans (private) */
  zones: ZoneView[];
  /** zones shared on the lines (`zone.share`), by any participant, in force; areas as MultiPolygons */
  sharedZones: SharedZoneView[];
  conflicts: MapConflict[];
}

/** A protected zone a participant shared on a line (`zone.share`), as the record tells it. */
export interface SharedZoneView {
  /** the `zone.share` entry's hash: what conflicts name */
  id: string;
  line: string;
  station: string;
  stationName: string;
  operator: string;
  time: string;
  name: string;
  geometry: VolumeGeometry;
  minAltitude: number | null;
  maxAltitude: number | null;
  from: string | null;
  to: string | null;
  state: "active" | "withdrawn";
  withdrawnAt: string | null;
}
