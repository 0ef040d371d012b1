/** A zone this station protects, or an activity it plans: private to the station, never an entry. */
export interface ZoneRow {
  name: string;
  /** an area this station protects, or an activity it plans */
  kind: "protected" | "plan";
  /** a GeoJSON Polygon or MultiPolygon, as JSON text */
  geometry: string;
  /** altitude band in metres (MSL); null: unbounded */
  minAltitude: number | null;
  maxAltitude: number | null;
  /** time window (UTC ISO with ms); null: unbounded */
  from: string | null;
  to: string | null;
  createdBy: string;
  createdAt: string;
}

/** The station's private zones. */
export interface ZoneStore {
  /** Adds a zone. @returns false if a zone has that name already */
  addZone(zone: ZoneRow): Promise<boolean>;
  /** @returns every zone, by name */
  zones(): Promise<ZoneRow[]>;
  /** @returns false if there is no such zone */
  removeZone(name: string): Promise<boolean>;
}
