import { parentPort } from "node:worker_threads";
import { checkHeldEntry, type HeldEntry } from "../record/mod.js";

/** Checks batches of held entries on a worker thread; see verify.ts. */
parentPort?.on("message", (batch: { id: number; held: HeldEntry[] }) => {
  const facts = batch.held.map((h) =>
    checkHeldEntry({ ...h, bytes: Buffer.from(h.bytes.buffer, h.bytes.byteOffset, h.bytes.byteLength) }),
  );
  parentPort?.postMessage({ id: batch.id, facts });
});
