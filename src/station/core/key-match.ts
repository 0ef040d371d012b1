import { HotlineError } from "../../record/mod.js";
import type { Station } from "./station.js";

/**
 * Checks that the identity key in this process's data directory is the station's key as the
 * record has it on every line: a pair's other host may have rotated or revoked it since this
 * directory was copied, and a process signing with the old key would write entries peers refuse.
 *
 * @param station the station, opened from this directory
 * @throws HotlineError STALE_KEY naming a line whose record has another key
 */
export async function requireCurrentKey(station: Station): Promise<void> {
  const own = station.whoami().fingerprint;
  for (const line of await station.store.lines()) {
    const current = (await station.rotationsOn(line.id)).get(station.id)?.at(-1)?.key ?? station.id;
    if (current === (await station.keyOn(line.id, station.id))) continue;
    throw new HotlineError(
      "STALE_KEY",
      `Cannot take over as the active process: the identity key in ${station.paths.dir} (${own}) is not the station's key on line '${line.name}' (rotated or revoked on the other host); copy identity.key, tls.key and tls.crt from the other host's directory`,
    );
  }
}
