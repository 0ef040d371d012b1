import { parentPort, workerData } from "node:worker_threads";
import { checkHeldEntry, type HeldEntry, type KeyHistory } from "../../record/mod.js";

const keys = (workerData as { keys?: KeyHistory } | null)?.keys ?? {};

/** Checks batches of held entries on a worker thread; see verify.ts. */
parentPort?.on("message", (batch: { id: number; held: HeldEntry[] }) => {
  // Buffers arrive as plain Uint8Arrays; anything else (text from an edited database) is passed
  // on as it is, for the check to call it a problem of its entry.
  const facts = batch.held.map((h) =>
    checkHeldEntry(
      h.bytes instanceof Uint8Array
        ? { ...h, bytes: Buffer.from(h.bytes.buffer, h.bytes.byteOffset, h.bytes.byteLength) }
        : h,
      keys,
    ),
  );
  parentPort?.postMessage({ id: batch.id, facts });
});
