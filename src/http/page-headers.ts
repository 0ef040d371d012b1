import type { FastifyInstance } from "fastify";

/**
 * What every answer of the operator API carries, pages and JSON alike: no other site may frame
 * the console (a page the duty officer opens cannot lay it under its own buttons and make a
 * click send, acknowledge or approve), nothing is sniffed into another type, and no address of
 * the console leaks to a site it links to.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * Adds {@link PAGE_HEADERS} to every answer of an app.
 *
 * @param app a Fastify instance
 */
export function usePageHeaders(app: FastifyInstance): void {
  app.addHook("onSend", async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(PAGE_HEADERS)) {
      if (!reply.hasHeader(name)) void reply.header(name, value);
    }
    return payload;
  });
}
