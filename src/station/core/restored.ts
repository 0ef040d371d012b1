import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Store } from "../../store/mod.js";
import type { StationPaths } from "./config.js";
import type { PartLogger } from "./logger.js";

/** The file `hotline restore` leaves in a data directory: the station may be behind on its own chain. */
export const RESTORED_MARKER = "restored.json";

/**
 * @param paths a station's files
 * @returns where its restore marker is
 */
export function restoredMarkerPath(paths: StationPaths): string {
  return join(paths.dir, RESTORED_MARKER);
}

/**
 * A station restored from a backup may lack entries of its own chain that its peers hold (it wrote
 * them after the backup). Normally a peer's statement claiming more of this station's chain than it
 * holds is a lie and refused; after a restore it is the truth, and says what to catch up. While
 * the marker is there, such a statement is answered but not kept (no receipt for what is not held
 * here), and catch-up pulls the station's own entries back, which the peer cannot forge: each is
 * signed with this station's key. The marker goes once every active peer on every line has shown,
 * in a statement, no more of this station's chain than it holds.
 */
export class RestoreCatchUp {
  readonly #marker: string;
  readonly #logger: PartLogger;
  /** `${line} ${peer}` still to show that it holds no more of this station's chain than it has */
  readonly #pending: Set<string>;

  private constructor(marker: string, logger: PartLogger, pending: Set<string>) {
    this.#marker = marker;
    this.#logger = logger;
    this.#pending = pending;
  }

  /**
   * @param paths the station's files
   * @param store its store
   * @param self the station's id
   * @param logger where to say when it has caught up
   * @returns the watch, or null when the station was not restored (or has caught up since)
   */
  static async open(
    paths: StationPaths,
    store: Store,
    self: string,
    logger: PartLogger,
  ): Promise<RestoreCatchUp | null> {
    const marker = restoredMarkerPath(paths);
    if (!existsSync(marker)) return null;
    const pending = new Set<string>();
    for (const line of await store.lines()) {
      for (const m of await store.members(line.id)) {
        if (m.active && m.station !== self) pending.add(`${line.id} ${m.station}`);
      }
    }
    const watch = new RestoreCatchUp(marker, logger, pending);
    logger.info(
      { event: "restore.catching_up", since: readFileSync(marker, "utf8").trim(), peers: pending.size },
      "restored from a backup: catching up this station's own chain from its peers",
    );
    watch.#doneIfNone();
    return watch;
  }

  /** @returns whether a claim of more of this station's chain than it holds is to be expected */
  get catchingUp(): boolean {
    return this.#pending.size > 0;
  }

  /**
   * Notes a peer's statement on a line.
   *
   * @param line the line
   * @param peer the peer
   * @param ahead whether it claimed more of this station's chain than it holds
   */
  heard(line: string, peer: string, ahead: boolean): void {
    if (ahead || !this.#pending.delete(`${line} ${peer}`)) return;
    this.#doneIfNone();
  }

  #doneIfNone(): void {
    if (this.#pending.size > 0) return;
    rmSync(this.#marker, { force: true });
    this.#logger.info(
      { event: "restore.caught_up" },
      "restored station caught up: its own chain is whole again",
    );
  }
}
