import { NOTIFY_TYPES, type NotifyType } from "../../api-types";

/** The fields of a notification that the form shows beside its volumes. */
export interface NotificationFields {
  type?: NotifyType;
  title?: string;
  description?: string;
}

/**
 * What an operator loaded or pasted as a notification, read only as far as the form needs: the
 * station checks the volumes themselves, so its own message is the one shown for a bad one.
 */
export type NotificationFile =
  | { kind: "empty" }
  | { kind: "notJson"; message: string }
  | { kind: "notObject" }
  | ({
      /** "notification": `{ type, title, description, volumes }`; "features": a GeoJSON FeatureCollection */
      kind: "notification" | "features";
      volumes: number;
      value: Record<string, unknown>;
    } & NotificationFields);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldsOf(source: unknown): NotificationFields {
  if (!isObject(source)) return {};
  const fields: NotificationFields = {};
  const type = NOTIFY_TYPES.find((t) => t === source["type"]);
  if (type !== undefined) fields.type = type;
  if (typeof source["title"] === "string" && source["title"] !== "") fields.title = source["title"];
  if (typeof source["description"] === "string" && source["description"] !== "")
    fields.description = source["description"];
  return fields;
}

/**
 * @param text what the operator loaded or pasted: a notification's JSON, a GeoJSON
 *   FeatureCollection (one Feature per volume; the first Feature's properties may carry type,
 *   title and description), or a bare list of volumes
 * @returns what it holds
 * @example
 * readNotificationFile('{"type":"FeatureCollection","features":[]}').kind; // "features"
 */
export function readNotificationFile(text: string): NotificationFile {
  if (text.trim() === "") return { kind: "empty" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { kind: "notJson", message: (error as Error).message };
  }
  const value = Array.isArray(parsed) ? { volumes: parsed } : parsed;
  if (!isObject(value)) return { kind: "notObject" };
  if (value["type"] === "FeatureCollection") {
    const features = Array.isArray(value["features"]) ? (value["features"] as unknown[]) : [];
    const first = isObject(features[0]) ? features[0]["properties"] : undefined;
    return { kind: "features", volumes: features.length, value, ...fieldsOf(first) };
  }
  const volumes = Array.isArray(value["volumes"]) ? (value["volumes"] as unknown[]).length : 0;
  return { kind: "notification", volumes, value, ...fieldsOf(value) };
}

/**
 * @param file a file that was read as a notification or a FeatureCollection
 * @param fields the type, title and description the operator settled on: they replace the file's
 * @returns the request body for `POST /api/lines/:line/notifications`
 */
export function notificationBody(
  file: Extract<NotificationFile, { value: Record<string, unknown> }>,
  fields: Required<NotificationFields>,
): Record<string, unknown> {
  if (file.kind === "notification") return { ...file.value, ...fields };
  // The station reads type, title and description from the first Feature; every Feature gets
  // them, so the file stays consistent whichever one a reader looks at.
  const features = (file.value["features"] as unknown[]).map((feature) =>
    isObject(feature)
      ? {
          ...feature,
          properties: { ...(isObject(feature["properties"]) ? feature["properties"] : {}), ...fields },
        }
      : feature,
  );
  return { ...file.value, features };
}
