import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { usageError } from "./common.js";
import { cliIo, processIo } from "./io.js";

/**
 * Asks for a secret on the terminal without echoing it.
 *
 * @param prompt what to ask, e.g. "Passphrase: "
 * @returns what was typed
 * @throws UsageError when there is no terminal to ask on (a script: give the file option)
 */
export async function askSecret(prompt: string): Promise<string> {
  const io = cliIo();
  if (io !== processIo || process.stdin.isTTY !== true) {
    throw usageError("Cannot ask for the passphrase: there is no terminal; give --passphrase-file");
  }
  // Readline echoes what is typed to its output: a sink, so the secret is never shown.
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({ input: process.stdin, output: sink, terminal: true });
  io.stderr.write(prompt);
  try {
    return await new Promise<string>((done) => reader.question("", done));
  } finally {
    reader.close();
    io.stderr.write("\n");
  }
}
