/** The warnings of stations run by the bench, counted by kind. */

/**
 * Counts the stations' warnings by message (refusals, backoffs, failed link tests): what a line
 * waited on, shown with the setup time. A pino destination: one JSON line per warning.
 */
export class Warnings {
  readonly counts = new Map<string, number>();

  write(line: string): void {
    const { msg, code } = JSON.parse(line) as { msg?: string; code?: unknown };
    // Alike whatever the station, line or time: "A link test to Participant # on line-of-# failed: …"
    // (with its error code, where the message leaves it out: "refused an entry (NOT_READY)").
    const said = (msg ?? "?").replace(/[0-9a-f]{64}/g, "<line>").replace(/\d+/g, "#");
    const key = typeof code === "string" && !said.includes(code) ? `${said} (${code})` : said;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** @returns the counts so far, most first, as text; and forgets them */
  take(): string {
    const text = [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([msg, count]) => `${count}× ${msg}`)
      .join("; ");
    this.counts.clear();
    return text === "" ? "none" : text;
  }
}
