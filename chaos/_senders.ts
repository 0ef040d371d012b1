/**
 * The chaos run's senders: one per station, writing messages through its operator API at a steady
 * random rate whatever the faults, and remembering every message the station accepted (its answer
 * said stored: author, seq and hash).
 *
 * @module
 */
import type { ChaosLine, ChaosStation } from "./_stations.js";
import type { Accepted } from "./_checks.js";
import { sleep } from "./_stations.js";

/** Every station's sender. */
export class Senders {
  readonly #stations: readonly ChaosStation[];
  readonly #lines: readonly ChaosLine[];
  readonly #random: () => number;
  readonly #everyMs: number;
  readonly #accepted: Accepted[] = [];
  readonly #sent: Record<string, number> = {};
  #running: Promise<void>[] = [];
  #stopping = false;

  /**
   * @param stations the stations, each with its sender
   * @param lines the lines they write on (each station on those it is on)
   * @param random the senders' seeded stream (pauses)
   * @param everyMs the mean pause between two messages of one sender
   */
  constructor(
    stations: readonly ChaosStation[],
    lines: readonly ChaosLine[],
    random: () => number,
    everyMs: number,
  ) {
    this.#stations = stations;
    this.#lines = lines;
    this.#random = random;
    this.#everyMs = everyMs;
  }

  /** Starts every sender. */
  start(): void {
    this.#running = this.#stations.map((s) => this.#send(s));
  }

  /** Stops every sender and waits for the answers still awaited. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#running);
  }

  /** @returns every message a station accepted */
  get accepted(): readonly Accepted[] {
    return this.#accepted;
  }

  /** @returns the messages each station was asked to write */
  get sent(): Record<string, number> {
    return { ...this.#sent };
  }

  async #send(station: ChaosStation): Promise<void> {
    let n = 0;
    const lines = this.#lines.filter((l) => l.stations.includes(station));
    while (!this.#stopping) {
      await sleep(this.#random() * 2 * this.#everyMs);
      if (this.#stopping) break;
      // A killed station is not asked: nothing listens (a frozen one is: the answer waits).
      if (station.state === "killed") continue;
      n++;
      this.#sent[station.name] = (this.#sent[station.name] ?? 0) + 1;
      const line = lines[Math.floor(this.#random() * lines.length)] as ChaosLine;
      try {
        const written = await station.admin.call("POST /api/lines/:line/messages", {
          params: { line: line.id },
          body: { text: `chaos ${station.name} ${n}`, precedence: "ROUTINE" },
        });
        this.#accepted.push({
          line: line.id,
          author: station.id,
          seq: written.seq,
          hash: written.hash,
          station: station.name,
        });
      } catch {
        // refused (a full disk) or unanswered (killed meanwhile): not accepted, nothing to check
      }
    }
  }
}
