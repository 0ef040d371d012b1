import Fastify, { type FastifyInstance } from "fastify";
import { FAULTS } from "./faults.js";
import type { FaultProxy } from "./proxy.js";

/**
 * A small HTTP API that drives proxies by hand or from a script (`curl`), the way Toxiproxy is
 * driven: `GET /proxies`, `GET|PUT /proxies/:name` (PUT takes some faults, the others stay),
 * `POST /proxies/:name/cut|heal|reset`. Meant for loopback: it has no authentication, so
 * {@link startControl} refuses any other address.
 *
 * @param proxies the proxies by name
 * @returns the app, not listening yet
 */
export function controlApp(proxies: ReadonlyMap<string, FaultProxy>): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });
  const find = (name: string) => proxies.get(name) ?? null;
  const unknown = (name: string) => ({ error: { code: "NOT_FOUND", message: `No proxy is named ${name}` } });
  const state = (name: string, proxy: FaultProxy) => ({
    name,
    listen: proxy.address,
    faults: proxy.faults,
    counts: proxy.counts,
  });

  app.get("/proxies", async () => ({ proxies: [...proxies].map(([name, proxy]) => state(name, proxy)) }));
  app.get<{ Params: { name: string } }>("/proxies/:name", async (request, reply) => {
    const proxy = find(request.params.name);
    return proxy === null
      ? reply.code(404).send(unknown(request.params.name))
      : state(request.params.name, proxy);
  });
  app.put<{ Params: { name: string } }>("/proxies/:name", async (request, reply) => {
    const proxy = find(request.params.name);
    if (proxy === null) return reply.code(404).send(unknown(request.params.name));
    const change = FAULTS.partial().safeParse(request.body);
    if (!change.success) {
      const issue = change.error.issues[0];
      return reply.code(400).send({
        error: {
          code: "BAD_INPUT",
          message: `Cannot set these faults: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim(),
        },
      });
    }
    proxy.set(change.data);
    return state(request.params.name, proxy);
  });
  for (const action of ["cut", "heal", "reset"] as const) {
    app.post<{ Params: { name: string } }>(`/proxies/:name/${action}`, async (request, reply) => {
      const proxy = find(request.params.name);
      if (proxy === null) return reply.code(404).send(unknown(request.params.name));
      if (action === "cut") proxy.cut();
      else if (action === "heal") proxy.heal();
      else proxy.resetAll();
      return state(request.params.name, proxy);
    });
  }
  return app;
}

/**
 * @param proxies the proxies by name
 * @param at loopback HOST:PORT to listen on
 * @returns the listening app
 * @throws Error for an address that is not loopback (the API has no authentication)
 */
export async function startControl(
  proxies: ReadonlyMap<string, FaultProxy>,
  at: { host: string; port: number },
): Promise<FastifyInstance> {
  if (!["127.0.0.1", "::1", "localhost"].includes(at.host)) {
    throw new Error(`The proxy's control API listens on loopback only, not on ${at.host}`);
  }
  const app = controlApp(proxies);
  await app.listen({ host: at.host, port: at.port });
  return app;
}
