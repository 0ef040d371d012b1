import { type Command, InvalidArgumentError } from "commander";
import { addRoute, ownRoutes, PERMISSIONS, removeRoute, type OwnRoute } from "../station/mod.js";
import { asOption, type CommonOptions, viaStation, withCommon } from "./common.js";
import { printJson, printLines } from "./output.js";

type AsOptions = CommonOptions & { as: string };

/**
 * `hotline route add | list | remove`: the addresses this station is reached at (a second
 * network, a backup host or provider), each announced to its peers on every line.
 *
 * @param program the root command
 */
export function registerRouteCommands(program: Command): void {
  const route = program
    .command("route")
    .description("this station's routes: the addresses its peers reach it by (admins change them)");

  withCommon(
    route
      .command("add")
      .description("add a route and announce it on every line (peers start testing it)")
      .argument("<name>", "its name: 1 to 32 of a-z 0-9 -, e.g. backup, satcom")
      .requiredOption("--url <url>", "where peers reach it: https://HOST:PORT")
      .option(
        "--priority <n>",
        "lower goes first; the primary route is 0 (default: after the others)",
        priority,
      )
      .option("--listen <HOST:PORT>", "where to listen for it, if not the URL's host and port")
      .addOption(asOption()),
  ).action(async (name: string, options: AsOptions & { url: string; priority?: number; listen?: string }) => {
    const body = {
      name,
      url: options.url,
      ...(options.priority === undefined ? {} : { priority: options.priority }),
      ...(options.listen === undefined ? {} : { listen: options.listen }),
    };
    const routes = await viaStation(
      options,
      PERMISSIONS.manageRoutes,
      (api) => api.call("POST /api/routes", { body }),
      (station) => addRoute(station, { ...body, operator: options.as }),
    );
    if (options.json) return printJson(routes);
    printLines(`Route '${name}' added; announced on every line.`, ...routes.map(describe));
  });

  withCommon(
    route.command("list").description("this station's routes, most preferred first").addOption(asOption()),
  ).action(async (options: AsOptions) => {
    const routes = await viaStation(
      options,
      PERMISSIONS.read,
      (api) => api.call("GET /api/routes"),
      (station) => ownRoutes(station),
    );
    if (options.json) return printJson(routes);
    printLines(...routes.map(describe));
  });

  withCommon(
    route
      .command("remove")
      .description("remove a route (not the primary) and announce the rest on every line")
      .argument("<name>", "the route")
      .addOption(asOption()),
  ).action(async (name: string, options: AsOptions) => {
    const routes = await viaStation(
      options,
      PERMISSIONS.manageRoutes,
      (api) => api.call("DELETE /api/routes/:name", { params: { name } }),
      (station) => removeRoute(station, name, options.as),
    );
    if (options.json) return printJson(routes);
    printLines(`Route '${name}' removed; announced on every line.`, ...routes.map(describe));
  });
}

function priority(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1000)
    throw new InvalidArgumentError("a whole number from 0 to 1000");
  return n;
}

function describe(r: OwnRoute): string {
  return `${r.name.padEnd(12)} ${r.url.padEnd(32)} priority ${String(r.priority).padEnd(5)} listens on ${r.listen}`;
}
