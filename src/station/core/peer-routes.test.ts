import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { announcedRoutes, announcedRoutesOn, peerRoutes } from "./peer-routes.js";

describe("a line's announced routes, read once for every participant", () => {
  let p: InProcessPair;
  afterEach(async () => await p.close());

  it("gives each author's newest announcement, as one author's read does, and none for one that never announced", async () => {
    p = await inProcessPair();
    const { washington, moscow, line } = p;
    const first = [{ name: "primary", url: "https://127.0.0.1:7001", priority: 0 }];
    const second = [
      { name: "primary", url: "https://127.0.0.1:7001", priority: 0 },
      { name: "backup", url: "https://127.0.0.1:7002", priority: 1 },
    ];
    await washington.write(line, { kind: "route.announce", body: { routes: first, operator: "admin" } });
    await washington.write(line, { kind: "route.announce", body: { routes: second, operator: "admin" } });
    const onLine = await announcedRoutesOn(washington.store, line);
    expect(onLine.get(washington.id)).toEqual(second);
    expect(onLine.get(washington.id)).toEqual(await announcedRoutes(washington.store, line, washington.id));
    expect(onLine.has(moscow.id)).toBe(false);
    // A participant that never announced keeps the address it paired with, read either way.
    expect(await peerRoutes(washington.store, line, moscow.id, undefined, onLine)).toEqual(
      await peerRoutes(washington.store, line, moscow.id),
    );
    expect(
      (await peerRoutes(washington.store, line, washington.id, undefined, onLine)).map((r) => r.name),
    ).toEqual(["primary", "backup"]);
  });
});
