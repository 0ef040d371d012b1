import { z } from "zod";
import { HotlineError } from "../record/mod.js";
import type { HookRow, Severity } from "../store/mod.js";
import { isoNow } from "./clock.js";
import { PERMISSIONS, requireRole } from "./operators.js";
import type { Station } from "./station.js";

/** The severities, from least to most severe: a hook fires for its own and those after it. */
export const SEVERITIES = ["info", "warning", "critical"] as const satisfies readonly Severity[];

/** Most arguments a hook's command takes, program included. */
export const MAX_COMMAND_ITEMS = 32;

/** Longest webhook URL. */
export const MAX_WEBHOOK_LENGTH = 500;

const COMMAND = z
  .array(
    z
      .string()
      .min(1, "must not hold an empty program or argument")
      .max(4096)
      .refine((s) => !s.includes("\0"), "must not hold a NUL character"),
  )
  .min(1, "must name a program")
  .max(MAX_COMMAND_ITEMS, `must have at most ${MAX_COMMAND_ITEMS} items, program included`);

const WEBHOOK = z
  .string()
  .max(MAX_WEBHOOK_LENGTH, `must be at most ${MAX_WEBHOOK_LENGTH} characters`)
  .refine((text) => {
    const url = urlOf(text);
    return url !== null && (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  }, "must be an http:// or https:// URL")
  // fetch refuses URLs with credentials; a token belongs in the path or the query
  .refine((text) => {
    const url = urlOf(text);
    return url === null || (url.username === "" && url.password === "");
  }, "must not hold a user name or password (user:password@)");

function urlOf(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** What an admin gives to add a hook: a least severity and exactly one of command and webhook. */
export const HOOK_REQUEST = z
  .strictObject({
    severity: z.enum(SEVERITIES),
    command: COMMAND.optional(),
    webhook: WEBHOOK.optional(),
  })
  .superRefine((h, context) => {
    if (h.command === undefined && h.webhook === undefined) {
      context.addIssue({ code: "custom", message: "it needs a command or a webhook" });
    } else if (h.command !== undefined && h.webhook !== undefined) {
      context.addIssue({ code: "custom", message: "it takes a command or a webhook, not both" });
    }
  });

export type HookRequest = z.infer<typeof HOOK_REQUEST>;

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
