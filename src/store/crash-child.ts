import { chainAuthor, TestChains } from "./_test-chains.js";
import type { Store } from "./store.js";

/** Entries per batch the crash child appends in one transaction. */
export const CRASH_BATCH = 20;

/**
 * The child process of the contract's crash tests (see storeContract): opens the store in a
 * directory, writes a line's genesis, then appends batches of CRASH_BATCH texts, each in one
 * transaction, one entry at a time, printing `committed <entries>` after each commit. With
 * `hang`, it stops in the middle of its second batch, inside the transaction, printing `mid`, and
 * waits there to be killed; with `stop`, it waits after committing its first batch.
 *
 * @param open opens the store under test in a directory
 * @param argv the directory, then `hang`, `stop` or `run`
 */
export async function runCrashChild(
  open: (dir: string) => Promise<Store>,
  [dir, mode]: readonly string[],
): Promise<void> {
  if (dir === undefined) throw new Error("usage: crash-child <dir> hang|stop|run");
  const store = await open(dir);
  const author = chainAuthor("Moscow");
  const chains = new TestChains();
  await store.appendEntries([chains.genesis(author)], new Date().toISOString());
  const forever = (): Promise<never> =>
    new Promise(() => {
      setInterval(() => undefined, 60_000);
    });
  for (let batch = 1; ; batch++) {
    await store.transaction(async (tx) => {
      for (let i = 0; i < CRASH_BATCH; i++) {
        await tx.appendEntries([chains.say(author, `batch ${batch} entry ${i}`)], new Date().toISOString());
        if (mode === "hang" && batch === 2 && i === CRASH_BATCH / 2) {
          process.stdout.write("mid\n");
          await forever();
        }
      }
    });
    process.stdout.write(`committed ${1 + batch * CRASH_BATCH}\n`);
    if (mode === "stop") await forever();
  }
}
