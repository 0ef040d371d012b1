import type { HeadStatement } from "../../src/record/mod.js";
import {
  answerPairRequest,
  type PairRequest,
  type PeerTarget,
  type PeerTransport,
  type Station,
} from "../../src/station/mod.js";

/**
 * Stations in one process, talking through a transport that calls the other station directly
 * (the peer protocol's meaning without HTTP): the catch-up logic, tested exactly.
 */
export class DirectTransport implements PeerTransport {
  readonly #stations = new Map<string, Station>();
  pulls: string[] = [];
  /** every head statement sent to a station, in order */
  told: HeadStatement[] = [];

  add(...stations: Station[]): void {
    for (const s of stations) this.#stations.set(s.id, s);
  }

  #at(target: PeerTarget): Station {
    const station = this.#stations.get(target.station);
    if (station === undefined) throw new Error("no such station");
    return station;
  }

  async pair(target: PeerTarget, request: PairRequest) {
    return await answerPairRequest(this.#at(target), request, request.joiner.cert);
  }

  async push(target: PeerTarget, _line: string, entries: readonly Buffer[]) {
    const station = this.#at(target);
    const result = await station.receiveBatch(entries.map((e) => JSON.parse(e.toString("utf8")) as unknown));
    if (result.refused !== null) throw result.refused;
    return await station.headStatement(_line);
  }

  async heads(target: PeerTarget, statement: HeadStatement) {
    const station = this.#at(target);
    this.told.push(statement);
    return await station.headStatement(statement.line);
  }

  statementOf(target: PeerTarget, line: string, station: string) {
    return Promise.resolve(this.#at(target).heardFrom(line, station));
  }

  async entries(target: PeerTarget, line: string, author: string, after: number, limit: number) {
    this.pulls.push(author);
    const page = await this.#at(target).store.chainAfter(line, author, after, limit);
    return page.map((e) => JSON.parse(e.bytes.toString("utf8")) as unknown);
  }
}
