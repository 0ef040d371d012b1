import { verify } from "node:crypto";
import { parentPort } from "node:worker_threads";
import { publicKeyOf } from "../../record/mod.js";
import type { SignatureJob } from "./signature-pool.js";

/** Checks Ed25519 signatures on a worker thread; see signature-pool.ts. */
parentPort?.on("message", (job: { id: number; items: SignatureJob[] }) => {
  const ok = job.items.map((item) => {
    try {
      return verify(null, item.signed, publicKeyOf(item.key), Buffer.from(item.sig, "base64url"));
    } catch {
      return false;
    }
  });
  parentPort?.postMessage({ id: job.id, ok });
});
