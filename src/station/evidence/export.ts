import {
  fingerprintOf,
  keyAfter,
  parseStatement,
  readStoredEntry,
  signBundle,
  type Bundle,
  type HeadStatement,
} from "../../record/mod.js";
import type { StoredEntry } from "../../store/mod.js";
import { readEntry } from "../core/mod.js";
import { isoNow } from "../core/mod.js";
import { causalOrder } from "../core/mod.js";
import type { Station } from "../core/mod.js";

/**
 * Exports a line's whole record as a bundle a third party can verify offline (`hotline verify
 * --bundle`): every entry of every chain exactly as signed, in causal order; the latest signed
 * head statement of every participant (this station's made now, the others' as received: each
 * says how much of the record that participant acknowledged holding); the participants' keys
 * and fingerprints; and this station's signature over it all.
 *
 * @param station this station
 * @param ref the line: id, prefix or name
 * @returns the signed bundle
 */
export async function exportBundle(station: Station, ref: string): Promise<Bundle> {
  const line = await station.resolveLine(ref);
  const stored = await station.store.entries(line.id);
  const byHash = new Map(stored.map((e) => [e.hash, e]));
  const entries = causalOrder(stored.map((e) => readEntry(e))).map((e) =>
    readStoredEntry(byHash.get(e.hash) as StoredEntry),
  );
  const rotations = await station.rotationsOn(line.id);
  const keys = Object.fromEntries(
    [...rotations].map(([author, list]) => [`${line.id} ${author}`, [...list]]),
  );
  const statements: HeadStatement[] = (await station.store.latestStatements(line.id))
    .filter((s) => s.station !== station.id)
    .flatMap((s) => {
      try {
        return [
          parseStatement(JSON.parse(s.bytes.toString("utf8")), (u) =>
            keyAfter(keys, u.line, u.station, u.heads[u.station]?.seq ?? 0),
          ),
        ];
      } catch {
        return []; // kept statements were checked on arrival; a damaged one is left out, not signed for
      }
    });
  statements.push(await station.headStatement(line.id));
  return signBundle(
    {
      v: 1,
      kind: "hotline.bundle",
      line: { id: line.id, name: line.name },
      exportedAt: isoNow(station.clock),
      exportedBy: { station: station.id, name: station.config.name },
      participants: (await station.store.participants(line.id)).map((p) => ({
        station: p.station,
        name: p.name,
        fingerprint: fingerprintOf(p.station),
        cert: p.cert,
        url: p.url,
      })),
      entries,
      statements,
    },
    station.identity,
  );
}
