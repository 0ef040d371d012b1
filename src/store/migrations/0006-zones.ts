/**
 * This station's own protected zones and planned activities: private to the station, never
 * entries. geometry: the zone's GeoJSON Polygon or MultiPolygon; a null altitude or time bound
 * means unbounded.
 */
export const sql = `
CREATE TABLE zones (
  name        TEXT PRIMARY KEY,
  geometry    TEXT NOT NULL,
  min_alt     REAL,
  max_alt     REAL,
  from_time   TEXT,
  to_time     TEXT,
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
`;
