import { z } from "zod";
import { ERRORS, routes } from "./route.js";

/** A database snapshot made for a backup: a file in the station's own data directory. */
export const SNAPSHOT_ANSWER = z.object({
  file: z.string(),
  bytes: z.number().int(),
  station: z.object({ id: z.string(), name: z.string() }),
});

/** Backups: admins only. */
export const backupRoutes = routes({
  "POST /api/backup/snapshot": {
    summary:
      "Copy the database with SQLite's online backup while the station runs, into a new file (0600) in the station's data directory; `hotline backup` makes the backup file from it and removes it",
    body: z.strictObject({}).optional(),
    response: { 200: SNAPSHOT_ANSWER, ...ERRORS },
  },
});
