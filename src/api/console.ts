import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HotlineError, type HeadStatement } from "../record/mod.js";
import {
  PERMISSIONS,
  alarmOf,
  lineRecord,
  setOperatorLang,
  statusOf,
  verifyRecord,
  type LinkMonitor,
  type RoutedTransport,
  type Outbox,
  type Station,
  type StationStatus,
} from "../station/mod.js";
import { PUBLIC, publicRoutes } from "./access.js";
import { noteSignIn } from "./audit.js";
import { route } from "./route.js";
import { type Sessions, ThrottledError } from "./sessions.js";
import type { RecordSummary } from "./views.js";

/** How often the event stream looks for a changed status, and pings (a long silence means a dead stream). */
const STATUS_EVERY_MS = 2_000;
/** Most console event streams open at once. */
const MAX_STREAMS = 64;

/**
 * The console's routes: sign-in and sessions, the event stream, the record panel, and the app's
 * files at `/`.
 *
 * @param app the operator API (its auth hook knows sessions)
 * @param station the station
 * @param options the session keeper, the running outbox and link monitor
 */
export async function consoleRoutes(
  app: FastifyInstance,
  station: Station,
  options: { sessions: Sessions; outbox: Outbox; monitor: LinkMonitor; routes?: RoutedTransport | undefined },
): Promise<void> {
  const { sessions } = options;
  const cookieOf = (request: { cookies: Record<string, string | undefined> }) =>
    request.cookies[sessions.cookie];

  // public: it says whether the cookie is a live session, and nothing to anyone without one
  route(app, "GET /api/session", {
    access: PUBLIC,
    handler: async (request) => {
      const session = await sessions.find(cookieOf(request));
      if (session === null) throw new HotlineError("UNAUTHORIZED", "Not signed in");
      return await sessions.view(session);
    },
  });
  route(app, "GET /api/station", {
    access: PUBLIC,
    handler: async () => {
      const me = station.whoami();
      return { name: me.name, fingerprint: me.fingerprint };
    },
  });
  route(app, "POST /api/session", {
    access: PUBLIC,
    handler: async (request, reply) => {
      try {
        const { secret, row, secondFactor } = await sessions.signIn(
          request.body.operator,
          request.body.password,
          request.ip,
          request.body.code,
        );
        noteSignIn(request, secondFactor);
        sessions.setCookie(reply, secret);
        request.log.info(
          { event: "operator.signed-in", operator: row.operator, secondFactor },
          "operator signed in",
        );
        return await sessions.view(row);
      } catch (error) {
        if (error instanceof ThrottledError)
          void reply.header("retry-after", String(error.retryAfterSeconds));
        if (error instanceof HotlineError)
          request.log.warn({ event: "operator.sign-in-refused", code: error.code }, "sign-in refused");
        throw error;
      }
    },
  });
  route(app, "DELETE /api/session", {
    access: PERMISSIONS.ownSignIn,
    handler: async (request, reply) => {
      await sessions.signOut(cookieOf(request));
      sessions.setCookie(reply, null);
      return reply.status(204).send();
    },
  });
  route(app, "PUT /api/session/lang", {
    access: PERMISSIONS.ownSignIn,
    handler: async (request) => {
      const session = await sessions.find(cookieOf(request));
      if (session === null) throw new HotlineError("UNAUTHORIZED", "Not signed in");
      await setOperatorLang(station, session.operator, request.body.lang);
      return await sessions.view(session);
    },
  });

  route(app, "GET /api/lines/:line/record", {
    access: PERMISSIONS.read,
    handler: async (request) => recordSummary(station, request.params.line),
  });

  let streams = 0;
  route(app, "GET /api/events", {
    access: PERMISSIONS.read,
    handler: (request, reply) => {
      if (streams >= MAX_STREAMS)
        throw new HotlineError("THROTTLED", "Cannot open another event stream: too many");
      streams++;
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      const send = (event: string, data: unknown) => {
        if (!out.writableEnded) out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      let lastStatus = "";
      const sendStatus = async () => {
        let status: StationStatus;
        try {
          status = await statusOf(station, {
            outbox: options.outbox,
            monitor: options.monitor,
            routes: options.routes,
          });
        } catch {
          return; // the station is stopping
        }
        const text = JSON.stringify(status);
        if (text !== lastStatus) send("status", status);
        lastStatus = text;
      };
      const heads = new Map<string, string>();
      const onEntries = (
        entries: readonly {
          hash: string;
          entry: { line: string | null; kind: string; author: string; body: unknown };
        }[],
      ) => {
        for (const line of new Set(entries.map((e) => e.entry.line))) {
          if (line === null) continue;
          // What arrived, in brief: enough for the console to tell FLASH traffic without a fetch.
          const brief = entries
            .filter((e) => e.entry.line === line)
            .slice(-50)
            .map(({ hash, entry }) => ({
              hash,
              kind: entry.kind,
              author: entry.author,
              precedence: (entry.body as { precedence?: string }).precedence ?? null,
            }));
          send("entries", { line, entries: brief });
        }
        void sendStatus();
      };
      const onStatement = (statement: HeadStatement) => {
        // A receipt moved: the line's transcript shows it. Link tests repeat the same heads: not news.
        const key = `${statement.line} ${statement.station}`;
        const now = JSON.stringify(statement.heads);
        if (heads.get(key) === now) return;
        const first = !heads.has(key);
        heads.set(key, now);
        if (!first) send("entries", { line: statement.line });
      };
      const onAlarm = (id: number) => {
        void alarmOf(station, id).then((alarm) => {
          send("alarm", alarm);
          void sendStatus();
        });
      };
      station.events.on("entries", onEntries);
      station.events.on("statement", onStatement);
      station.events.on("alarm", onAlarm);
      const timer = setInterval(() => {
        void sendStatus();
        send("ping", { at: new Date(station.clock.now()).toISOString() });
      }, STATUS_EVERY_MS);
      out.write("retry: 2000\n\n");
      void sendStatus();
      const close = () => {
        clearInterval(timer);
        station.events.off("entries", onEntries);
        station.events.off("statement", onStatement);
        station.events.off("alarm", onAlarm);
        streams--;
      };
      request.raw.once("close", close);
      return undefined; // hijacked: the stream is answered above, not by Fastify
    },
  });

  if (root !== null) {
    const files = root;
    await publicRoutes(app, (pages) =>
      pages.register(fastifyStatic, { root: files, wildcard: false, index: ["index.html"] }),
    );
  }
}

/** The built console's folder, or null when it is not built. */
const root = consoleRoot();

/**
 * Serves the built console's files (scripts, styles, images) on an app other than the operator
 * API's own: the standby of a pair, whose console says where the active is.
 *
 * @param app a Fastify instance
 */
export async function serveConsoleFiles(app: FastifyInstance): Promise<void> {
  if (root !== null) await app.register(fastifyStatic, { root, wildcard: false, index: ["index.html"] });
}

/**
 * Answers a page no route took: any path is the app's (a deep link such as /lines/… routes in
 * the browser), so it gets index.html — except under /api in any case (`/API/…`), which is the
 * API's and not found.
 *
 * @param request the request
 * @param reply its reply
 * @returns the reply
 */
export function consolePage(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (/^\/api(?:[/?]|$)/i.test(request.url)) {
    return reply.status(404).send({
      error: { code: "NOT_FOUND", message: `Cannot ${request.method} this path: no such route` },
    });
  }
  if (root === null) {
    return reply
      .status(503)
      .type("text/plain")
      .send("The console is not built: run 'npm run build' in the hotline folder.");
  }
  // Read here, not with the static plugin's sendFile: that plugin lives in the public pages'
  // own context, and this answer is the root's.
  return reply.type("text/html; charset=utf-8").send(readFileSync(join(root, "index.html")));
}

/**
 * @param station the station
 * @param ref a line id, prefix or name
 * @returns the line's record verified by the same code as `hotline verify`, and whether each
 *   peer's latest signed heads match this station's
 */
export async function recordSummary(station: Station, ref: string): Promise<RecordSummary> {
  const { line, entries, heads, statements: latest, participants } = await lineRecord(station, ref);
  const report = await verifyRecord(entries, entries.length, { lines: [line.id], workers: 0 });
  const mine = new Map(heads.map((h) => [h.author, h.seq]));
  const byHash = new Map(entries.map((e) => [e.hash, e]));
  const heldAt = (author: string, seq: number, hash: string): boolean => {
    const held = byHash.get(hash);
    return held !== undefined && held.author === author && held.seq === seq;
  };
  const statements = new Map(latest.map((s) => [s.station, s]));
  // A push's receipt names only the chains it carried: a chain its latest statement does not name
  // stands where the peer last said it held it (its coverage), not at nothing.
  const covered = new Map<string, number>();
  for (const c of await station.store.coverage(line.id)) {
    const key = `${c.peer} ${c.author}`;
    covered.set(key, Math.max(covered.get(key) ?? 0, c.seq));
  }
  return {
    line: line.id,
    entries: report.entries,
    valid: report.ok,
    problems: report.problems.map((p) => ({ code: p.code, detail: p.detail })),
    peers: participants
      .filter((p) => p.station !== station.id)
      .map((p) => {
        const statement = statements.get(p.station);
        const heads = Object.entries(
          statement === undefined
            ? {}
            : (JSON.parse(statement.heads) as Record<string, { seq: number; hash: string }>),
        );
        const theirs = new Map<string, number>(heads.map(([author, head]) => [author, head.seq]));
        for (const author of mine.keys()) {
          const seq = covered.get(`${p.station} ${author}`);
          if (!theirs.has(author) && seq !== undefined) theirs.set(author, seq);
        }
        let missing = 0;
        let extra = 0;
        for (const [author, seq] of mine) missing += Math.max(0, seq - (theirs.get(author) ?? 0));
        for (const [author, seq] of theirs) extra += Math.max(0, seq - (mine.get(author) ?? 0));
        // Equal seqs are not equal chains: where this station holds the entry the peer names as a
        // head, it must be that very entry (same hash), or the two records have diverged.
        const diverged = heads.filter(
          ([author, head]) => head.seq <= (mine.get(author) ?? 0) && !heldAt(author, head.seq, head.hash),
        ).length;
        return {
          id: p.station,
          name: p.name,
          match: statement !== undefined && missing === 0 && extra === 0 && diverged === 0,
          diverged,
          asOf: statement?.time ?? null,
          missing,
          extra,
        };
      }),
    checkedAt: new Date(station.clock.now()).toISOString(),
  };
}

/** @returns the built console's folder (`dist/console` of this package), or null if not built */
function consoleRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json"))) {
      const built = join(dir, "dist", "console");
      return existsSync(join(built, "index.html")) ? built : null;
    }
    dir = dirname(dir);
  }
  return null;
}
