/** One row of the benchmark table, and the table as text. */

/** A figure beside its ceiling, measured in the same run. */
export interface Row {
  what: string;
  /** the measured figure */
  measured: number;
  unit: string;
  /** the ceiling it is compared with, if any */
  ceiling: number | null;
  /** measured ÷ ceiling */
  ratio: number | null;
  /** the ratio wanted */
  target: number | null;
  /** how the ratio is shown: a percentage or a multiple */
  ratioStyle: "percent" | "times";
  /** how the target reads when it is not "ratio ≥ target" (a time: lower is better) */
  targetText?: string;
  ok: boolean | null;
}

/**
 * @param what the row's name
 * @param measured the figure
 * @param ceiling its ceiling
 * @param target the ratio wanted
 * @param ratioStyle percent (≤ 1) or times (× the ceiling)
 * @returns the row, ratio and verdict computed
 */
export function compared(
  what: string,
  measured: number,
  ceiling: number,
  target: number,
  ratioStyle: Row["ratioStyle"] = "percent",
): Row {
  const ratio = measured / ceiling;
  return { what, measured, unit: "/s", ceiling, ratio, target, ratioStyle, ok: ratio >= target };
}

/**
 * @param what the row's name
 * @param measured the figure
 * @param unit its unit
 * @returns a row with no ceiling
 */
export function plain(what: string, measured: number, unit: string): Row {
  return { what, measured, unit, ceiling: null, ratio: null, target: null, ratioStyle: "percent", ok: null };
}

/**
 * A time (lower is better) beside its ceiling (the least it could take), with its target either
 * absolute ("≤ 5 ms") or as a multiple of the ceiling ("≤ 1.5×").
 *
 * @param what the row's name
 * @param measured the time
 * @param unit "ms" or "s"
 * @param ceiling the floor it is compared with
 * @param target the most wanted: an absolute time, or a multiple of the ceiling
 * @returns the row
 */
export function timed(
  what: string,
  measured: number,
  unit: string,
  ceiling: number,
  target: { atMost: number; of: "value" | "ratio" },
): Row {
  const ratio = measured / ceiling;
  const ok = (target.of === "value" ? measured : ratio) <= target.atMost;
  return {
    what,
    measured,
    unit,
    ceiling,
    ratio,
    target: target.atMost,
    ratioStyle: "times",
    targetText: target.of === "value" ? `≤ ${amount(target.atMost, unit)}` : `≤ ${target.atMost.toFixed(2)}×`,
    ok,
  };
}

function amount(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : 1;
  return `${value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function ratioText(value: number | null, style: Row["ratioStyle"]): string {
  if (value === null) return "—";
  return style === "percent" ? `${(value * 100).toFixed(0)}%` : `${value.toFixed(2)}×`;
}

/**
 * @param rows the rows
 * @returns the table, columns aligned: what | measured | ceiling | ratio | target | ok?
 */
export function renderTable(rows: readonly Row[]): string {
  const header = ["what", "measured", "ceiling", "ratio", "target", "ok?"];
  const cells = rows.map((r) => [
    r.what,
    amount(r.measured, r.unit),
    r.ceiling === null ? "—" : amount(r.ceiling, r.unit),
    ratioText(r.ratio, r.ratioStyle),
    r.targetText ?? (r.target === null ? "—" : `≥ ${ratioText(r.target, r.ratioStyle)}`),
    r.ok === null ? "—" : r.ok ? "yes" : "NO",
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => (row[c] ?? "").length)));
  const line = (row: readonly string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...cells.map(line)].join("\n");
}
