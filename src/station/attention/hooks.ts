import { HotlineError } from "../../record/mod.js";
import type { HookRow, Severity } from "../../store/mod.js";
import { isoNow } from "../core/mod.js";
import { HOOK_REQUEST, SEVERITIES, type HookRequest } from "./hook-schemas.js";
import { PERMISSIONS, requireRole } from "../core/mod.js";
import type { Station } from "../core/mod.js";

export { HOOK_REQUEST, MAX_COMMAND_ITEMS, MAX_WEBHOOK_LENGTH, SEVERITIES } from "./hook-schemas.js";
export type { HookRequest } from "./hook-schemas.js";

/** A hook as listed and answered. */
export type HookView = HookRow;

/**
 * @param alarm the severity of an alarm
 * @param hook the least severity a hook fires for
 * @returns whether the hook fires for the alarm
 */
export function severityReaches(alarm: Severity, hook: Severity): boolean {
  return SEVERITIES.indexOf(alarm) >= SEVERITIES.indexOf(hook);
}

/**
 * Checks what an admin asks for a new hook.
 *
 * @param request anything: a request body, or what the CLI read
 * @returns the checked request
 * @throws HotlineError BAD_INPUT, saying what is wrong
 * @example
 * ```ts
 * parseHookRequest({ severity: "critical", webhook: "ftp://example.org" });
 * // BAD_INPUT: Cannot add the hook: webhook: must be an http:// or https:// URL
 * ```
 */
export function parseHookRequest(request: unknown): HookRequest {
  const parsed = HOOK_REQUEST.safeParse(request);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const problem = issue?.message ?? "it is not valid";
  throw new HotlineError("BAD_INPUT", `Cannot add the hook: ${path === "" ? "" : `${path}: `}${problem}`);
}

/**
 * An admin adds a hook: a command run, or a webhook called, for every alarm of at least a severity
 * raised or escalated while the station runs.
 *
 * @param station the station
 * @param request the severity and the command (program, arguments) or the webhook URL
 * @param options the admin adding it
 * @returns the hook
 * @throws HotlineError FORBIDDEN, UNKNOWN_OPERATOR, BAD_INPUT
 */
export async function addHook(
  station: Station,
  request: unknown,
  options: { by: string },
): Promise<HookView> {
  await requireRole(station, options.by, PERMISSIONS.manageHooks);
  const checked = parseHookRequest(request);
  const hook: Omit<HookRow, "id"> = {
    severity: checked.severity,
    command: checked.command ?? null,
    webhook: checked.webhook ?? null,
    createdBy: options.by,
    createdAt: isoNow(station.clock),
  };
  return { id: await station.store.addHook(hook), ...hook };
}

/**
 * @param station the station
 * @param options the admin asking
 * @returns every hook, oldest first
 * @throws HotlineError FORBIDDEN, UNKNOWN_OPERATOR
 */
export async function listHooks(station: Station, options: { by: string }): Promise<HookView[]> {
  await requireRole(station, options.by, PERMISSIONS.manageHooks);
  return await station.store.hooks();
}

/**
 * An admin removes a hook; alarms raised after no longer call it.
 *
 * @param station the station
 * @param id the hook's number
 * @param options the admin removing it
 * @returns the hook removed
 * @throws HotlineError FORBIDDEN, UNKNOWN_OPERATOR, UNKNOWN_HOOK
 */
export async function removeHook(station: Station, id: number, options: { by: string }): Promise<HookView> {
  await requireRole(station, options.by, PERMISSIONS.manageHooks);
  const hook = (await station.store.hooks()).find((h) => h.id === id);
  if (hook === undefined || !(await station.store.removeHook(id))) {
    throw new HotlineError(
      "UNKNOWN_HOOK",
      `Cannot remove hook ${id}: there is no such hook (see 'hotline hook list')`,
    );
  }
  return hook;
}
