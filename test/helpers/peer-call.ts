import { request } from "node:https";

/** What a station's peer endpoint answered. */
export interface PeerAnswer {
  status: number;
  /** the parsed JSON body, or its text when it is not JSON */
  body: unknown;
  /** milliseconds from sending to the end of the answer */
  ms: number;
}

/** Options of {@link peerCall}. */
export interface PeerCallOptions {
  method?: "GET" | "POST";
  /** path and query */
  path: string;
  /** sent as is */
  body?: string | Buffer;
  contentType?: string;
  /** the client certificate and key to present, or null for none */
  tls: { cert: string; key: string } | null;
  /** longest wait for the whole answer (default 15 s): past it the call rejects as a hang */
  timeoutMs?: number;
}

/**
 * One request to a station's peer endpoint over a new mutual-TLS 1.3 connection, as a scripted
 * peer would send it. It never waits for ever: past `timeoutMs` it rejects with an error that says
 * the station hung, so a test fails on a hang instead of timing out as a whole.
 *
 * @param port the peer port on 127.0.0.1
 * @param options method, path, body, content type, client certificate, timeout
 * @returns status, parsed body, and how long the answer took
 */
export function peerCall(port: number, options: PeerCallOptions): Promise<PeerAnswer> {
  const payload = typeof options.body === "string" ? Buffer.from(options.body) : options.body;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? (payload === undefined ? "GET" : "POST"),
        path: options.path,
        agent: false,
        minVersion: "TLSv1.3",
        rejectUnauthorized: false, // self-signed: the test knows whose port it is
        ...(options.tls === null ? {} : { cert: options.tls.cert, key: options.tls.key }),
        headers: {
          accept: "application/json",
          ...(payload === undefined
            ? {}
            : {
                "content-type": options.contentType ?? "application/json",
                "content-length": payload.length,
              }),
        },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text, an assertion will show it
          }
          resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - start });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`the station hung: no whole answer to ${options.path} within ${timeoutMs} ms`));
    }, timeoutMs);
    // A server that answers early (413) may close before the whole body is written: that is fine.
    req.on("error", (error) => {
      if (answered) return;
      clearTimeout(timer);
      reject(error);
    });
    req.end(payload);
  });
}

/**
 * @param answer what the endpoint answered
 * @returns the error code in it, or null when it carries none
 */
export function codeOf(answer: PeerAnswer): string | null {
  const error = (answer.body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === "string" ? error.code : null;
}
