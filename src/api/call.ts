/**
 * The one typed client of the operator API, in the spirit of Hono's `hc`: `call(route, input)`
 * names a route of the contract (src/api/contract/) by its key, e.g. `"GET /api/lines/:line/log"`,
 * and takes its argument and result types from the route's schemas, so a route renamed or
 * reshaped breaks the build of every caller. The CLI (ApiClient) and the console each give it
 * their transport.
 *
 * Shared with the console: no imports at run time, and the contract as types only.
 *
 * @module
 */
import type { z } from "zod";
import type { Contract, RouteName } from "./contract/mod.js";

type Spec<K extends RouteName> = Contract[K];
type Field<K extends RouteName, F extends "params" | "querystring" | "body"> =
  Spec<K> extends {
    [P in F]: infer S extends z.ZodType;
  }
    ? z.input<S>
    : never;

/** What a route takes: its path parameters, query and body, each when it has one. */
export type CallInput<K extends RouteName> = ([Field<K, "params">] extends [never]
  ? unknown
  : { params: Field<K, "params"> }) &
  ([Field<K, "querystring">] extends [never] ? unknown : { query?: Field<K, "querystring"> }) &
  ([Field<K, "body">] extends [never] ? unknown : { body: Field<K, "body"> });

/** What a route answers when it succeeds (undefined: no content). */
export type Answer<K extends RouteName> = Spec<K>["response"] extends { 200: infer S extends z.ZodType }
  ? z.output<S>
  : undefined;

/** Whether a route must be given an input (it has path parameters or a body). */
type NeedsInput<K extends RouteName> = [Field<K, "params">] extends [never]
  ? [Field<K, "body">] extends [never]
    ? false
    : true
  : true;

/** The arguments after the route's name: its input, optional when it needs none. */
export type CallArgs<K extends RouteName> = NeedsInput<K> extends true ? [CallInput<K>] : [CallInput<K>?];

/** One HTTP request, as a transport sends it. */
export interface HttpRequest {
  method: string;
  /** the path with its parameters filled in and encoded, and its query */
  path: string;
  /** the JSON body, if the route takes one */
  body?: unknown;
}

/**
 * @param route a route's key
 * @param input its params, query and body
 * @returns the request to send: the path's parameters filled in and encoded, the query appended
 */
export function requestOf(
  route: string,
  input: { params?: object; query?: object; body?: unknown } = {},
): HttpRequest {
  const space = route.indexOf(" ");
  const params = (input.params ?? {}) as Record<string, string | number>;
  const path = route.slice(space + 1).replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${route}: no value for :${name}`);
    return encodeURIComponent(String(value));
  });
  const query = Object.entries((input.query ?? {}) as Record<string, string | undefined>).filter(
    (pair): pair is [string, string] => pair[1] !== undefined,
  );
  return {
    method: route.slice(0, space),
    path: query.length === 0 ? path : `${path}?${new URLSearchParams(query).toString()}`,
    ...("body" in input ? { body: input.body } : {}),
  };
}

/** A typed call of any route of the contract. */
export type Call = <K extends RouteName>(route: K, ...input: CallArgs<K>) => Promise<Answer<K>>;

/**
 * @param send sends one request and resolves with its JSON answer (or rejects with the error)
 * @returns the typed `call`
 */
export function typedCall(send: (request: HttpRequest) => Promise<unknown>): Call {
  return (route, ...input) => send(requestOf(route, input[0] as object | undefined)) as Promise<never>;
}
