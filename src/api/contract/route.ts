import { z } from "zod";

/** The HTTP methods the operator API answers. */
export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** A route's name in the contract: its method and URL pattern, e.g. `"GET /api/lines/:line/log"`. */
export type RouteKey = `${Method} /api/${string}`;

/** What every refusal and failure answers, whatever the route (see `answerErrors` in src/http). */
export const ERROR_ANSWER = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .describe("A refusal or a failure: a stable code and a message in words");

/** The error answers every route may give. */
export const ERRORS = { "4xx": ERROR_ANSWER, "5xx": ERROR_ANSWER } as const;

/**
 * One route of the operator API: what it takes and what it answers, per status. The server
 * validates requests and checks answers with these schemas, OpenAPI documents them, and the typed
 * client derives its argument and result types from them.
 */
export interface RouteSpec {
  summary: string;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  response: { [status: number]: z.ZodType; "4xx": z.ZodType; "5xx": z.ZodType };
}

/**
 * @param table routes keyed by method and URL pattern
 * @returns the same table, its types kept literal for the client to read
 */
export function routes<const T extends Record<RouteKey, RouteSpec>>(table: T): T {
  return table;
}

/** Whether two types are each assignable to the other: a schema that says what a view says. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Ties a response schema to the view type the station already returns: the call fails to compile
 * (it then asks for a second argument) when the two differ in any field, so neither can drift.
 *
 * @returns a function taking the schema and returning it
 */
export function viewOf<T>() {
  return <S extends z.ZodType>(schema: S, ..._differs: Same<z.output<S>, T> extends true ? [] : [never]): S =>
    schema;
}
