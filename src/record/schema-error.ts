import type { z } from "zod";

/**
 * Puts a schema failure into one line a person can act on: the path of the first wrong field and
 * what is wrong with it, e.g. "body.text: must not be empty".
 *
 * @param error a zod error
 * @param within the path of the value checked, if it sits within a larger one (e.g. "body")
 * @returns a short description
 */
export function describeZodError(error: z.ZodError, within?: string): string {
  const issue = error.issues[0];
  if (issue === undefined) return "it does not match its schema";
  const path = [...(within === undefined ? [] : [within]), ...issue.path.map(String)].join(".");
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : "";
  return `${path === "" ? "value" : path}: ${issue.message}${more}`;
}
