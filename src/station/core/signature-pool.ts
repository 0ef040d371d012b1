import { verify } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { publicKeyOf } from "../../record/mod.js";

/** One signature to check: the signed bytes, the signature, the public key that must have made it. */
export interface SignatureJob {
  signed: Uint8Array;
  sig: string;
  /** base64url of the raw public key: the author's station id, or its key since a rotation */
  key: string;
}

const WORKER_FILE = fileURLToPath(new URL("./signature-worker.js", import.meta.url));

/**
 * Checks many signatures at once over worker threads kept for the station's life, the calling
 * thread taking its share: for a backlog arriving after an outage, where signatures are the cost.
 * Started on first use; `close()` ends the threads.
 */
export class SignaturePool {
  readonly #size: number;
  readonly #file: string;
  #workers: Worker[] | null = null;
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: (ok: boolean[]) => void; reject: (e: Error) => void }>();

  /**
   * @param threads worker threads (default: one per core but one, for the calling thread)
   * @param file the worker's script (tests give one that fails)
   */
  constructor(threads = Math.max(1, availableParallelism() - 1), file = WORKER_FILE) {
    this.#file = file;
    this.#size = existsSync(file) ? threads : 0;
  }

  /**
   * @param jobs signatures to check
   * @returns for each, whether its key signed its bytes
   */
  async check(jobs: readonly SignatureJob[]): Promise<boolean[]> {
    const workers = this.#start();
    if (workers.length === 0) return jobs.map(checkOne);
    // Equal shares for the workers and this thread.
    const share = Math.ceil(jobs.length / (workers.length + 1));
    const pending = workers.map((worker, w) => {
      const items = jobs.slice(share * (w + 1), share * (w + 2));
      // A worker that fails (it could not start, or died) leaves its share to this thread: a
      // peer's push is checked either way, never answered with an internal error.
      return items.length === 0
        ? Promise.resolve([])
        : this.#send(worker, items).catch(() => items.map(checkOne));
    });
    const mine = jobs.slice(0, share).map(checkOne);
    return [...mine, ...(await Promise.all(pending)).flat()];
  }

  /** Ends the worker threads. */
  async close(): Promise<void> {
    const workers = this.#workers ?? [];
    this.#workers = null;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #start(): Worker[] {
    if (this.#workers !== null) return this.#workers;
    this.#workers = Array.from({ length: this.#size }, () => {
      const worker = new Worker(this.#file);
      worker.unref();
      worker.on("message", (m: { id: number; ok: boolean[] }) => {
        this.#waiting.get(m.id)?.resolve(m.ok);
        this.#waiting.delete(m.id);
      });
      worker.on("error", (error) => {
        for (const waiting of this.#waiting.values()) waiting.reject(error);
        this.#waiting.clear();
        this.#workers = null; // started again on next use
      });
      return worker;
    });
    return this.#workers;
  }

  #send(worker: Worker, items: SignatureJob[]): Promise<boolean[]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, items });
    });
  }
}

function checkOne(job: SignatureJob): boolean {
  try {
    return verify(null, job.signed, publicKeyOf(job.key), Buffer.from(job.sig, "base64url"));
  } catch {
    return false;
  }
}
