import type { Feature, MultiLineString, MultiPolygon, Polygon, Position } from "geojson";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import atlas from "world-atlas/countries-50m.json?url";

/** The base map: land to fill, and the borders between countries to draw as lines. */
export interface BaseMap {
  land: Feature<Polygon | MultiPolygon>;
  borders: MultiLineString;
}

let loading: Promise<BaseMap> | null = null;

type Countries = Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

/**
 * Natural Earth's 1:50m countries (the world-atlas package), built into the console as a file of
 * its own and fetched from the station on first use: the map asks no tile server, and the
 * largest part of the map is not in the console's script. Kept once loaded.
 *
 * @returns land as one shape (one SVG path) and the borders as one line (another)
 */
export function loadBaseMap(): Promise<BaseMap> {
  loading ??= fetch(atlas)
    .then((response) => {
      if (!response.ok)
        throw new Error(`Cannot load the base map: ${response.status} ${response.statusText}`);
      return response.json() as Promise<Countries>;
    })
    .then(baseMapOf)
    .catch((error: unknown) => {
      loading = null; // asked again next time the map is shown
      throw error;
    });
  return loading;
}

function baseMapOf(topology: Countries): BaseMap {
  const land = feature(topology, topology.objects.land);
  return {
    land: {
      type: "Feature",
      properties: {},
      geometry: {
        type: "MultiPolygon",
        coordinates: land.features
          .flatMap((f) =>
            f.geometry.type === "Polygon"
              ? [f.geometry.coordinates]
              : f.geometry.type === "MultiPolygon"
                ? f.geometry.coordinates
                : [],
          )
          .flatMap(acrossTheAntimeridian),
      },
    },
    borders: mesh(topology, topology.objects.countries, (a, b) => a !== b),
  };
}

/**
 * Natural Earth's shapes that cross the antimeridian come stitched, for maps of the sphere: a ring
 * runs to 179.9° E, jumps to -180° and comes back. Leaflet's flat map would draw each jump as a
 * line across the world, so the part beyond is unwrapped (moved by 360°) and the polygon drawn
 * on both sides. A ring around a pole (Antarctica: one jump, far south) is left as it is.
 *
 * @param polygon a polygon's rings, [lon, lat]
 * @returns the polygon, or its unwrapped copies on both sides of the antimeridian
 */
function acrossTheAntimeridian(polygon: Position[][]): Position[][][] {
  const unwrapped = polygon.map(unwrap);
  const closed = unwrapped.every((ring) => ring[0]?.[0] === ring[ring.length - 1]?.[0]);
  const lons = unwrapped.flat().map(([lon]) => lon ?? 0);
  if (!closed || lons.every((lon) => lon >= -180 && lon <= 180)) return [polygon];
  const shift = Math.max(...lons) > 180 ? -360 : 360;
  return [unwrapped, unwrapped.map((ring) => ring.map(([lon, lat]) => [(lon ?? 0) + shift, lat ?? 0]))];
}

function unwrap(ring: Position[]): Position[] {
  let offset = 0;
  let previous: number | null = null;
  return ring.map(([lon = 0, lat = 0]) => {
    if (previous !== null) {
      if (lon + offset - previous > 180) offset -= 360;
      else if (lon + offset - previous < -180) offset += 360;
    }
    previous = lon + offset;
    return [previous, lat];
  });
}
