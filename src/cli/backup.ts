import { existsSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { HotlineError } from "../record/mod.js";
import {
  MIN_PASSPHRASE_LENGTH,
  PERMISSIONS,
  restoreBackup,
  snapshotDatabase,
  snapshotPath,
  stationPaths,
  writeBackup,
} from "../station/mod.js";
import { asOption, type CommonOptions, usageError, viaStation, withCommon } from "./common.js";
import { askSecret } from "./secret.js";
import { printJson, printLines } from "./output.js";

interface PassphraseOptions {
  passphraseFile?: string;
}

/**
 * The passphrase from `--passphrase-file` (its first line), else asked on the terminal.
 *
 * @param options the command's options
 * @param confirm ask twice (when sealing)
 * @returns the passphrase
 */
async function passphraseOf(options: PassphraseOptions, confirm: boolean): Promise<string> {
  if (options.passphraseFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.passphraseFile, "utf8");
    } catch (cause) {
      throw new HotlineError("BAD_INPUT", `Cannot read the passphrase file: ${(cause as Error).message}`, {
        cause,
      });
    }
    return text.replace(/\r?\n$/, "");
  }
  const passphrase = await askSecret("Passphrase: ");
  if (confirm && (await askSecret("Passphrase again: ")) !== passphrase) {
    throw usageError("Cannot seal the keys: the two passphrases differ");
  }
  return passphrase;
}

/**
 * `hotline backup` and `hotline restore`.
 *
 * @param program the root command
 */
export function registerBackupCommands(program: Command): void {
  withCommon(
    program
      .command("backup")
      .description(
        "back up the station while it runs (SQLite's online backup); the keys only with --with-keys, sealed with a passphrase",
      )
      .requiredOption("--out <file>", "the backup file to write (0600); it must not exist")
      .option("--with-keys", "also the identity key, TLS key and certificate and station.json, encrypted")
      .option("--passphrase-file <file>", "the passphrase for --with-keys (else asked on the terminal)")
      .addOption(asOption()),
  ).action(
    async (options: CommonOptions & PassphraseOptions & { out: string; withKeys?: boolean; as: string }) => {
      const out = resolve(options.out);
      if (existsSync(out)) {
        throw new HotlineError(
          "FILE_EXISTS",
          `Cannot write the backup to ${out}: the file exists; choose another --out`,
        );
      }
      if (options.passphraseFile !== undefined && options.withKeys !== true) {
        throw usageError(
          "Cannot use --passphrase-file without --with-keys: a backup without keys is not encrypted",
        );
      }
      const passphrase = options.withKeys === true ? await passphraseOf(options, true) : undefined;
      if (passphrase !== undefined && [...passphrase].length < MIN_PASSPHRASE_LENGTH) {
        throw new HotlineError(
          "BAD_INPUT",
          `Cannot seal the keys: the passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`,
        );
      }
      const paths = stationPaths(options.dir);
      const snapshot = await viaStation(
        options,
        PERMISSIONS.backup,
        (api) => api.call("POST /api/backup/snapshot", { body: {} }),
        (station) => snapshotDatabase(station),
      );
      let header;
      try {
        header = await writeBackup({ paths, snapshot, out, createdAt: new Date().toISOString(), passphrase });
      } finally {
        rmSync(snapshotPath(paths, snapshot.file), { force: true });
      }
      const withKeys = header.keys !== undefined;
      if (options.json) return printJson({ file: out, ...header });
      printLines(
        `Backup of ${header.station.name} written to ${out} (0600): database ${header.database.bytes} bytes${
          withKeys ? ", keys and station.json sealed with the passphrase" : ""
        }.`,
        withKeys
          ? "Keep the passphrase apart from the file: without it the keys cannot be restored."
          : "It holds no keys: keep identity.key, tls.key, tls.crt and station.json safe elsewhere (or back up --with-keys).",
      );
    },
  );

  withCommon(
    program
      .command("restore")
      .description("make a station directory from a backup file (the directory must be new or empty)")
      .argument("<file>", "the backup file")
      .option(
        "--passphrase-file <file>",
        "the passphrase of a backup made --with-keys (else asked on the terminal)",
      ),
  ).action(async (file: string, options: CommonOptions & PassphraseOptions) => {
    const restored = await restoreBackup({
      file,
      dir: stationPaths(options.dir).dir,
      passphrase: () => passphraseOf(options, false),
    });
    if (options.json) return printJson(restored);
    printLines(
      `Restored ${restored.station.name} (${restored.station.id}) as of ${restored.createdAt} into ${restored.dir}.`,
      ...(restored.withKeys
        ? []
        : [
            `The backup holds the database only: copy ${restored.missing.join(", ")} from where you keep them into ${restored.dir} (keys 0600) before 'hotline start'.`,
          ]),
      "Once started, it catches up from its peers what it wrote or received after the backup; then run 'hotline verify'.",
    );
  });
}
