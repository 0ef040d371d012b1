/**
 * A CPU profile (V8's, as `--cpu-prof` or the inspector writes it) summed into the parts a hot path
 * is made of: sign, verify, canonical JSON, hash, schema check, SQLite, HTTP, TLS, JSON parse, GC,
 * and the rest by file. Self time only: a part is what ran in its own functions, not what they
 * called.
 */

/** The part of a V8 CPU profile this reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** The parts, in the order the breakdown names them. */
export const PARTS = [
  "Ed25519 sign",
  "Ed25519 verify",
  "canonical JSON",
  "SHA-256",
  "schema check (zod)",
  "JSON parse/stringify",
  "SQLite (better-sqlite3 + store)",
  "HTTP (node:http, Fastify)",
  "TLS + sockets",
  "worker messages",
  "garbage collection",
  "hotline code",
  "other",
] as const;

export type Part = (typeof PARTS)[number];

/**
 * @param functionName a sampled function
 * @param url its script
 * @returns the part it counts for, or null for idle time
 */
export function partOf(functionName: string, url: string): Part | null {
  if (functionName === "(idle)") return null;
  if (functionName === "signOneShot") return "Ed25519 sign";
  if (functionName === "verifyOneShot") return "Ed25519 verify";
  if (url.includes("/canonicalize/")) return "canonical JSON";
  if (url.includes("internal/crypto/hash") || functionName === "digest") return "SHA-256";
  if (url.includes("/zod/") || url.includes("schema-error")) return "schema check (zod)";
  if (url === "" && (functionName === "parse" || functionName === "stringify")) return "JSON parse/stringify";
  if (url.includes("secure-json-parse") || url.includes("fast-json-stringify")) return "JSON parse/stringify";
  if (url.includes("better-sqlite3") || url.includes("/src/store/")) return "SQLite (better-sqlite3 + store)";
  if (/node:_http|node:http|internal\/http|\/fastify|find-my-way|light-my-request|avvio/.test(url)) {
    return "HTTP (node:http, Fastify)";
  }
  if (/node:_tls|node:tls|internal\/tls|node:net|internal\/stream|node:stream|internal\/net/.test(url)) {
    return "TLS + sockets";
  }
  if (functionName === "writev" || functionName === "writeBuffer" || functionName === "writeUtf8String") {
    return "TLS + sockets";
  }
  if (url.includes("internal/worker") || functionName === "postMessage") return "worker messages";
  if (functionName === "(garbage collector)") return "garbage collection";
  if (url.includes("/dist/src/")) return "hotline code";
  return "other";
}

/** Self time of one part, and its heaviest functions. */
export interface PartTime {
  part: Part;
  ms: number;
  top: { name: string; ms: number }[];
}

/**
 * @param profile a CPU profile
 * @returns busy ms (idle excluded) and each part's self time, largest first
 */
export function breakdown(profile: CpuProfile): { busyMs: number; parts: PartTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  // A native function (no script) counts for what called it: Statement.run is SQLite, SignJob.run
  // under verifyOneShot is Ed25519, a socket write is TLS.
  const frameOf = (id: number) => {
    let frame = byId.get(id);
    let at = id;
    while (frame !== undefined && frame.url === "" && !frame.functionName.startsWith("(")) {
      if (
        ["parse", "stringify", "digest", "writev", "writeBuffer", "writeUtf8String"].includes(
          frame.functionName,
        )
      )
        break;
      const up = parentOf.get(at);
      if (up === undefined) break;
      at = up;
      frame = byId.get(up);
    }
    return frame;
  };
  const parts = new Map<Part, Map<string, number>>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = frameOf(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (frame === undefined) return;
    const part = partOf(frame.functionName, frame.url);
    if (part === null) return;
    busy += us;
    const fns = parts.get(part) ?? new Map<string, number>();
    const file = frame.url.replace(/^.*\/(node_modules|dist)\//, "").replace(/^file:\/\//, "");
    const name = `${frame.functionName || "(anonymous)"} ${file}`.trim();
    fns.set(name, (fns.get(name) ?? 0) + us);
    parts.set(part, fns);
  });
  const list = [...parts].map(([part, fns]) => ({
    part,
    ms: [...fns.values()].reduce((a, b) => a + b, 0) / 1000,
    top: [...fns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, us]) => ({ name, ms: us / 1000 })),
  }));
  return { busyMs: busy / 1000, parts: list.sort((a, b) => b.ms - a.ms) };
}

/**
 * @param result a breakdown
 * @param entries entries the profiled work handled (for µs per entry)
 * @returns a Markdown table: part | µs per entry | share | heaviest function
 */
export function breakdownTable(result: ReturnType<typeof breakdown>, entries: number): string {
  const lines = ["| part | µs / entry | share | heaviest functions |", "|---|---:|---:|---|"];
  for (const p of result.parts) {
    lines.push(
      `| ${p.part} | ${((p.ms * 1000) / entries).toFixed(1)} | ${((100 * p.ms) / result.busyMs).toFixed(0)} % | ${p.top
        .map((t) => `${t.name} ${((t.ms * 1000) / entries).toFixed(1)}`)
        .join("; ")} |`,
    );
  }
  lines.push(`| **busy, all parts** | **${((result.busyMs * 1000) / entries).toFixed(1)}** | 100 % | |`);
  return lines.join("\n");
}
