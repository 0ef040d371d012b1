/**
 * What an admin gives to add an alarm hook: schemas without Node, so the operator API's contract
 * (src/api/contract/), which the console reads as types, can use them.
 *
 * @module
 */
import { z } from "zod";
import type { Severity } from "../../store/rows.js";

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
