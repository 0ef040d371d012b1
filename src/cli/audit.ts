import { type Command, InvalidArgumentError } from "commander";
import type { AuditRow } from "../store/mod.js";
import { MAX_AUDIT_READ, PERMISSIONS, readAudit } from "../station/mod.js";
import { asOption, type CommonOptions, viaStation, withCommon } from "./common.js";
import { printJson, printLines } from "./output.js";

type AuditOptions = CommonOptions & { as: string; since?: string; operator?: string; limit?: number };

/**
 * `hotline audit`: the audit log, newest first — every operator action and sign-in attempt (admins).
 *
 * @param program the root command
 */
export function registerAuditCommand(program: Command): void {
  withCommon(
    program
      .command("audit")
      .description("the audit log, newest first: every operator action and sign-in attempt (admins only)")
      .option("--since <time>", "only rows since a time: ISO 8601, or an age such as 30m, 12h, 7d", sinceOf)
      .option("--operator <name>", "only rows of this operator (or, at sign-in, the name tried)")
      .option("--limit <n>", `at most this many rows (default 100, at most ${MAX_AUDIT_READ})`, limitOf)
      .addOption(asOption()),
  ).action(async (options: AuditOptions) => {
    const query = {
      ...(options.since === undefined ? {} : { since: options.since }),
      ...(options.operator === undefined ? {} : { operator: options.operator }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    };
    const rows = await viaStation(
      options,
      PERMISSIONS.audit,
      (api) =>
        api.call("GET /api/audit", {
          query: { ...query, ...(query.limit === undefined ? {} : { limit: String(query.limit) }) },
        }),
      (station) => readAudit(station, query, { by: options.as }),
    );
    if (options.json) return printJson(rows);
    if (rows.length === 0) return printLines("No audit rows.");
    printLines(...rows.map(lineOf));
  });
}

function lineOf(row: AuditRow): string {
  const outcome = row.outcome === "allowed" ? "allowed" : `REFUSED ${row.code ?? ""}`;
  const factor = row.secondFactor === null ? "" : ` (second factor: ${row.secondFactor})`;
  const object = row.object === null ? "" : ` ${row.object}`;
  return `${row.at}  ${(row.operator ?? "-").padEnd(12)}  ${row.action}${object}${factor}  ${outcome}  from ${row.origin} (${row.via})`;
}

const AGE = /^(\d{1,6})([smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function sinceOf(value: string): string {
  const age = AGE.exec(value);
  if (age !== null) {
    const unit = age[2] as keyof typeof UNIT_MS;
    return new Date(Date.now() - Number(age[1]) * UNIT_MS[unit]).toISOString();
  }
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidArgumentError("write an ISO 8601 time, or an age such as 30m, 12h, 7d");
  return new Date(time).toISOString();
}

function limitOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_AUDIT_READ) {
    throw new InvalidArgumentError(`write a whole number from 1 to ${MAX_AUDIT_READ}`);
  }
  return n;
}
