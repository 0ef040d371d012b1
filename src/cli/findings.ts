import type { Problem } from "../record/mod.js";

/**
 * @param findings what an auditor must see though the record is intact (key revocations)
 * @returns lines saying so, none when there are none
 */
export function describeFindings(findings: readonly Problem[]): string[] {
  if (findings.length === 0) return [];
  return [
    `Findings (the record is intact; a person must judge these): ${findings.length}`,
    ...findings.map(
      (p) =>
        `  ${p.code}  line ${p.line?.slice(0, 12) ?? "-"}  author ${p.author?.slice(0, 10) ?? "-"}  seq ${p.seq ?? "-"}: ${p.detail}`,
    ),
  ];
}

/**
 * @param findings a report's findings
 * @returns them as a JSON field, only when there are some (so that a clean report reads as before)
 */
export function findingsOf(findings: readonly Problem[]): { findings?: readonly Problem[] } {
  return findings.length === 0 ? {} : { findings };
}
