import { afterEach, describe, expect, it, vi } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import type { StationLogger } from "../core/logger.js";
import { AlarmLog } from "./alarm-log.js";
import { DeadlineWatch } from "./acks.js";

/** A logger that keeps what it is given, as pino would write it: fields, level and message. */
function keptLogger(): { logger: StationLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger: StationLogger = {
    info: (fields, msg) => void lines.push({ ...fields, level: "info", msg }),
    warn: (fields, msg) => void lines.push({ ...fields, level: "warn", msg }),
    child: () => logger,
  };
  return { logger, lines };
}

describe("what the attention parts log", () => {
  const pairs: InProcessPair[] = [];
  afterEach(async () => {
    for (const p of pairs.splice(0)) await p.close();
  });

  it("an alarm raised is logged as alarm.raised with its code and severity; raised again, as alarm.repeated", async () => {
    const p = await inProcessPair();
    pairs.push(p);
    const { logger, lines } = keptLogger();
    const log = new AlarmLog(p.washington, { logger });
    log.start();
    const alarm = {
      code: "LINK_DOWN",
      severity: "critical",
      line: p.line,
      peer: p.moscow.id,
      entry: null,
      detail: "Moscow has not answered",
    } as const;
    // AlarmLog reads each alarm back from the store once told of it: raised again before that read
    // (as on PostgreSQL, whose read goes to another connection), the first line would say count 2.
    // So the second raise waits for the first line; and the waits are generous (a loaded machine).
    const id = await p.washington.raiseAlarm(alarm);
    await vi.waitFor(() => expect(lines).toHaveLength(1), { timeout: 30_000 });
    await p.washington.raiseAlarm(alarm);
    await vi.waitFor(() => expect(lines).toHaveLength(2), { timeout: 30_000 });
    log.stop();
    expect(lines).toEqual([
      {
        event: "alarm.raised",
        alarm: id,
        code: "LINK_DOWN",
        severity: "critical",
        line: p.line,
        peer: p.moscow.id,
        count: 1,
        level: "warn",
        msg: "Moscow has not answered",
      },
      expect.objectContaining({ event: "alarm.repeated", alarm: id, count: 2 }),
    ]);
  });

  it("the deadline watch logs a step that failed as deadline.watch-failed, not on stderr", async () => {
    const p = await inProcessPair("2026-11-23T09:00:00.000Z");
    pairs.push(p);
    const { logger, lines } = keptLogger();
    const stderr = vi.spyOn(process.stderr, "write");
    const watch = new DeadlineWatch(p.moscow, { maxSleepMs: 3_600_000, logger });
    await watch.start();
    try {
      await p.washington.send({
        line: p.line,
        text: "Acknowledge within two minutes.",
        precedence: "FLASH",
        operator: "admin",
      });
      await p.deliver(p.washington, p.moscow);
      await watch.settled();
      p.at("2026-11-23T09:05:00.000Z");
      await p.moscow.store.close(); // the deadline passed, and the store no longer answers
      await watch.check();
      expect(lines).toEqual([expect.objectContaining({ event: "deadline.watch-failed", level: "warn" })]);
      expect(stderr).not.toHaveBeenCalledWith(expect.stringContaining("deadline watch"));
    } finally {
      stderr.mockRestore();
      watch.stop();
    }
  });
});
