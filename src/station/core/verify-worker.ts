import { parentPort, workerData } from "node:worker_threads";
import { checkHeldEntry, type KeyHistory } from "../../record/mod.js";
import { unpack, type Chunk } from "./verify.js";

const keys = (workerData as { keys?: KeyHistory } | null)?.keys ?? {};

/** Checks chunks of held entries on a worker thread; see verify.ts. */
parentPort?.on("message", (chunk: Chunk) => {
  const facts = unpack(chunk).map((h) => checkHeldEntry(h, keys));
  parentPort?.postMessage({ id: chunk.id, facts });
});
