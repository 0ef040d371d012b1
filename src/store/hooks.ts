import type { Severity } from "./rows.js";

/** A hook: what reaches people outside the console when an alarm of at least a severity is raised or escalated. */
export interface HookRow {
  id: number;
  /** the least severity it fires for (info < warning < critical) */
  severity: Severity;
  /** the program and its arguments, run without a shell; null for a webhook */
  command: string[] | null;
  /** the http(s) URL the alarm is POSTed to as JSON; null for a command */
  webhook: string | null;
  createdBy: string;
  createdAt: string;
}

/** The station's hooks. */
export interface HookStore {
  /** Adds a hook (exactly one of command and webhook). @returns its id */
  addHook(hook: Omit<HookRow, "id">): Promise<number>;
  /** @returns every hook, oldest first */
  hooks(): Promise<HookRow[]>;
  /** @returns false if there is no such hook */
  removeHook(id: number): Promise<boolean>;
}
