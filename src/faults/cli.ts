import { Command, InvalidArgumentError } from "commander";
import { parseHostPort } from "../station/mod.js";
import { startControl } from "./control.js";
import { FaultProxy } from "./proxy.js";

/** One `--route NAME=LISTEN=UPSTREAM` of the command line. */
interface RouteSpec {
  name: string;
  listen: { host: string; port: number };
  upstream: { host: string; port: number };
}

function routeSpec(value: string, previous: RouteSpec[]): RouteSpec[] {
  const [name, listen, upstream, ...rest] = value.split("=");
  if (
    name === undefined ||
    !/^[a-z0-9-]{1,32}$/.test(name) ||
    listen === undefined ||
    upstream === undefined ||
    rest.length > 0
  ) {
    throw new InvalidArgumentError("write NAME=LISTEN=UPSTREAM, e.g. primary=127.0.0.1:9443=127.0.0.1:7443");
  }
  try {
    return [...previous, { name, listen: parseHostPort(listen), upstream: parseHostPort(upstream) }];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/**
 * `hotline-proxy`: fault-injecting TCP proxies in front of a station's routes, driven over a
 * loopback HTTP control API (see control.ts), for drills and for trying failover by hand.
 *
 * @param argv the process's arguments
 */
export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command("hotline-proxy")
    .description(
      "fault-injecting TCP proxies (latency, loss, bandwidth, blackhole, cut) in front of hotline routes",
    )
    .requiredOption(
      "--route <NAME=LISTEN=UPSTREAM>",
      "a proxy: its name, where it listens, where it forwards (repeatable)",
      routeSpec,
      [],
    )
    .option("--control <HOST:PORT>", "the control API (loopback only)", "127.0.0.1:8474")
    .option("--seed <N>", "seed of the random draws (jitter, loss, dropped connections)", "1")
    .parse(argv, { from: "node" });
  const options = program.opts<{ route: RouteSpec[]; control: string; seed: string }>();
  const proxies = new Map<string, FaultProxy>();
  for (const route of options.route) {
    proxies.set(route.name, await FaultProxy.start({ ...route, seed: Number(options.seed) }));
  }
  const control = parseHostPort(options.control);
  await startControl(proxies, control);
  for (const [name, proxy] of proxies) {
    const route = options.route.find((r) => r.name === name);
    process.stdout.write(`${name}: ${proxy.url} -> ${route?.upstream.host}:${route?.upstream.port}\n`);
  }
  process.stdout.write(
    `control: http://${control.host}:${control.port}/proxies  (e.g. curl -X POST http://${control.host}:${control.port}/proxies/NAME/cut)\n`,
  );
  const stop = async () => {
    for (const proxy of proxies.values()) await proxy.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}
