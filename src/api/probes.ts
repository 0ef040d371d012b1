import type { FastifyInstance } from "fastify";
import type { Station, StationMetrics } from "../station/mod.js";
import { PUBLIC, SCRAPE } from "./access.js";

/** What the probes and the metrics read besides the station. */
export interface ProbeOptions {
  metrics: StationMetrics;
  /** @returns whether the peer port is listening */
  peerListening: () => boolean;
}

/** What `/readyz` answers: ready when every check is "ok". */
export interface Readiness {
  ready: boolean;
  checks: { store: "ok" | "not answering"; peer: "ok" | "not listening" };
}

/**
 * The routes operations' tools call, at the paths they look for (outside `/api`, and outside the
 * contract: they answer plain text or a fixed shape, for machines that are not hotline clients):
 *
 * - `GET /healthz`: the process is up (200 while its event loop runs). Public.
 * - `GET /readyz`: the store answers a query and the peer port listens: 200, else 503 naming the
 *   check that failed. Public: it says which part failed, never why (the log does not either).
 * - `GET /metrics`: Prometheus' text format; a scraper gives the metrics token (see {@link SCRAPE}).
 *
 * @param app the operator API
 * @param station the station
 * @param options the metrics, and how to tell that the peer port listens
 */
export function probeRoutes(app: FastifyInstance, station: Station, options: ProbeOptions): void {
  app.get("/healthz", { config: { access: PUBLIC } }, async () => ({ ok: true }));
  app.get("/readyz", { config: { access: PUBLIC } }, async (_request, reply) => {
    const readiness = await readinessOf(station, options.peerListening);
    return reply.status(readiness.ready ? 200 : 503).send(readiness);
  });
  app.get("/metrics", { config: { access: SCRAPE } }, async (_request, reply) => {
    const text = await options.metrics.scrape();
    return reply.type(options.metrics.contentType).send(text);
  });
}

/**
 * @param station the station
 * @param peerListening whether the peer port listens
 * @returns whether the station can serve, by check
 */
export async function readinessOf(station: Station, peerListening: () => boolean): Promise<Readiness> {
  let store: Readiness["checks"]["store"] = "ok";
  try {
    await station.store.lines();
  } catch {
    store = "not answering";
  }
  const peer = peerListening() ? "ok" : "not listening";
  return { ready: store === "ok" && peer === "ok", checks: { store, peer } };
}
