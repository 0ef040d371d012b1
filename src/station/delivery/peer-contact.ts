import type { Clock } from "../core/mod.js";
import type { PartLogger } from "../core/mod.js";
import type { Station } from "../core/mod.js";

/** How often, at most, the time of last contact with a peer is written to the store. */
const CONTACT_SAVE_MS = 5_000;

/**
 * Whether a peer is reached, shared by the couriers of its lines: any answer from it (an accepted
 * push or a refusal) is contact, only a transport failure is not. Changes are logged once each.
 */
export class PeerContact {
  readonly #station: Station;
  readonly #peer: string;
  readonly #logger: PartLogger;
  connected = false;
  /** the last transport failure, while the peer is not reached */
  lastError: string | null = null;
  /** when the peer was last reached or heard from, and when that was last written to the store */
  #lastContact: string | null = null;
  #contactSaved = Number.NEGATIVE_INFINITY;

  constructor(station: Station, peer: string, logger: PartLogger) {
    this.#station = station;
    this.#peer = peer;
    this.#logger = logger;
  }

  get #clock(): Clock {
    return this.#station.clock;
  }

  /** Reads the last contact kept in the store, before this process heard from the peer. */
  async load(): Promise<void> {
    this.#lastContact ??= (await this.#station.store.contact(this.#peer))?.lastContact ?? null;
  }

  get lastContact(): string | null {
    return this.#lastContact;
  }

  /** Keeps what contact there was; the courier does not wait for it (a failure is logged). */
  #save(write: Promise<void>): void {
    write.catch((error: unknown) => {
      this.#logger.warn(
        { event: "peer.contact-not-saved", peer: this.#peer, error: String(error) },
        "peer contact not saved",
      );
    });
  }

  /** The peer answered (whatever it said). */
  reached(): void {
    const again = !this.connected;
    if (again) this.#logger.info({ event: "peer.reached", peer: this.#peer }, "peer reached");
    this.connected = true;
    this.lastError = null;
    this.heard(again);
  }

  /** The peer was not reached: logged and kept when that is news (not on every retry). */
  unreached(error: string): void {
    const news = this.connected || this.lastError !== error;
    this.connected = false;
    this.lastError = error;
    if (!news) return;
    this.#logger.warn({ event: "peer.unreached", peer: this.#peer, error }, "peer not reached");
    this.#save(
      this.#station.store.contactFailed(this.#peer, error, new Date(this.#clock.now()).toISOString()),
    );
  }

  /**
   * Notes contact with the peer: in memory each time, in the store (one durable write) when the
   * peer was just reached again or at most every few seconds — not on every delivery.
   */
  heard(force = false): void {
    const now = this.#clock.now();
    this.#lastContact = new Date(now).toISOString();
    if (force || now - this.#contactSaved >= CONTACT_SAVE_MS) {
      this.#contactSaved = now;
      this.#save(this.#station.store.contactSucceeded(this.#peer, this.#lastContact));
    }
  }
}
