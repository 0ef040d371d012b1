import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from "fastify";
import type { FastifySerializerCompiler } from "fastify/types/schema.js";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { z } from "zod";
import { HotlineError } from "../record/mod.js";
import type { Access } from "./access.js";
import type { Answer } from "./call.js";
import { contract, type Contract, type RouteName } from "./contract/mod.js";

/** A request to a route of the contract: params, query and body typed by its schemas. */
export type RouteRequest<K extends RouteName> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  Contract[K],
  ZodTypeProvider
>;

/** How a route is served: who may call it, and its handler. */
export interface RouteServing<K extends RouteName> {
  access: Access;
  /** hand the body to the handler even when it fails its schema (the station checks it itself) */
  attachValidation?: boolean;
  /** answers the contract's 200 type, or sends its own answer through the reply (a 204, an export, a stream) */
  handler: (
    request: RouteRequest<K>,
    reply: FastifyReply,
  ) => Answer<K> | FastifyReply | undefined | Promise<Answer<K> | FastifyReply>;
}

/**
 * Registers a route of the contract: its method, URL and schemas come from the contract, so the
 * server cannot drift from what OpenAPI says and the clients expect. The handler must answer the
 * contract's 200 type; every answer, errors included, is checked at run time too
 * ({@link checkedAnswers}).
 *
 * @param app the operator API
 * @param key the route, e.g. `"GET /api/lines/:line/log"`
 * @param serving who may call it, and its handler
 */
export function route<K extends RouteName>(app: FastifyInstance, key: K, serving: RouteServing<K>): void {
  const [method, url] = key.split(" ") as [string, string];
  app.route({
    method,
    url,
    schema: contract[key],
    config: { access: serving.access },
    ...(serving.attachValidation === true ? { attachValidation: true } : {}),
    handler: serving.handler as unknown as RouteHandlerMethod,
  });
}

/**
 * Checks each answer against its route's schema for its status, then sends it as it is (not as
 * the schema parsed it, so no field is ever dropped or reordered). An answer that does not match
 * is a bug: it becomes a 500 INTERNAL naming the route, rather than a client misreading it.
 */
export const checkedAnswers: FastifySerializerCompiler<z.ZodType> =
  ({ schema, method, url }) =>
  (data: unknown) => {
    const checked = schema.safeParse(data);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new HotlineError(
        "INTERNAL",
        `Cannot answer ${method} ${url}: the answer does not match its schema (${issue?.path.join(".") ?? ""}: ${issue?.message ?? "?"})`,
      );
    }
    return JSON.stringify(data);
  };
