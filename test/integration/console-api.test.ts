import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotlineJson, tempDir, type TempDir } from "../helpers/cli.js";
import { signInWithCode } from "../helpers/second-factor.js";
import { initStation, startStation, stopStation, type TestStation } from "../helpers/stations.js";

interface SessionView {
  operator: { name: string; role: string; lang: string | null };
  csrf: string;
  station: { id: string; name: string };
}
interface ApiError {
  error: { code: string; message: string };
}

/**
 * The console's sessions over real HTTP, without a browser: sign-in with an operator's password,
 * the cookie's flags, CSRF on writes, throttling, sign-out, a disabled operator's session ended.
 */
describe("console sessions", () => {
  let tmp: TempDir;
  let station: TestStation;
  let base: string;
  let kimPassword: string;
  let leePassword: string;

  const signIn = (operator: string, password: string) =>
    fetch(`${base}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operator, password }),
    });
  const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

  beforeAll(async () => {
    tmp = tempDir();
    station = await initStation(tmp.join("washington"), "Washington");
    kimPassword = (
      await hotlineJson<{ password: string }>([
        "operator",
        "add",
        "kim",
        "--role",
        "officer",
        "--dir",
        station.dir,
      ])
    ).password;
    leePassword = (
      await hotlineJson<{ password: string }>([
        "operator",
        "add",
        "lee",
        "--role",
        "officer",
        "--dir",
        station.dir,
      ])
    ).password;
    await startStation(station);
    base = `http://127.0.0.1:${station.apiPort}`;
  });

  afterAll(async () => {
    await stopStation(station);
    tmp.remove();
  });

  it("signs in with the operator's password: an httpOnly, SameSite=Strict cookie, and the operator's session", async () => {
    const response = await signIn("kim", kimPassword);
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`^hotline_${station.id.slice(0, 12)}=[A-Za-z0-9_-]{43};`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = (await response.json()) as SessionView;
    expect(session.operator).toEqual({ name: "kim", role: "officer", lang: null });
    expect(session.station.id).toBe(station.id);

    const again = await fetch(`${base}/api/session`, { headers: { cookie: cookieOf(response) } });
    expect(((await again.json()) as SessionView).csrf).toBe(session.csrf);
    const status = await fetch(`${base}/api/status`, { headers: { cookie: cookieOf(response) } });
    expect(status.status).toBe(200);
  });

  it("refuses a wrong password clearly, then throttles the operator's further attempts", async () => {
    const wrong = await signIn("kim", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as ApiError).error.code).toBe("BAD_CREDENTIALS");
    const unknown = await signIn("nobody", "whatever");
    expect(((await unknown.json()) as ApiError).error.code).toBe("BAD_CREDENTIALS");
    await signIn("kim", "wrong-again");
    await signIn("kim", "wrong-a-third-time");
    const throttled = await signIn("kim", kimPassword); // right, but too soon
    expect(throttled.status).toBe(429);
    expect(((await throttled.json()) as ApiError).error.code).toBe("THROTTLED");
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another operator at the same address is not locked out.
    expect((await signIn("admin", station.adminPassword)).status).toBe(200);
  });

  it("without a session or token nothing is served; a write without the CSRF token is refused and changes nothing", async () => {
    const anonymous = await fetch(`${base}/api/status`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ApiError).error.code).toBe("UNAUTHORIZED");
    // Only which station this is, for the sign-in page: its name and key fingerprint, nothing more.
    const identity = await fetch(`${base}/api/station`);
    expect(identity.status).toBe(200);
    const whoami = await hotlineJson<{ name: string; fingerprint: string }>(["whoami", "--dir", station.dir]);
    expect(await identity.json()).toEqual({ name: whoami.name, fingerprint: whoami.fingerprint });

    const admin = await signInWithCode({ base, dir: station.dir }, "admin", station.adminPassword);
    const cookie = cookieOf(admin);
    const { csrf } = (await admin.json()) as SessionView;
    const create = (headers: Record<string, string>) =>
      fetch(`${base}/api/lines`, {
        method: "POST",
        // a browser sends its page's Origin with every write; the console's is the API's own
        headers: { cookie, origin: base, "content-type": "application/json", ...headers },
        body: JSON.stringify({ name: "paris-washington" }),
      });
    const forged = await create({});
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as ApiError).error.code).toBe("BAD_CSRF");
    expect((await create({ "x-csrf-token": "x".repeat(csrf.length) })).status).toBe(403);
    // The session names the operator: a header naming another is ignored.
    const spoofed = await fetch(`${base}/api/session`, { headers: { cookie, "x-hotline-operator": "kim" } });
    expect(((await spoofed.json()) as SessionView).operator.name).toBe("admin");
    const lines = await hotlineJson<unknown[]>(["lines", "--dir", station.dir]);
    expect(lines).toHaveLength(0);
    const made = await create({ "x-csrf-token": csrf });
    expect(made.status).toBe(200);
    expect(await hotlineJson<unknown[]>(["lines", "--dir", station.dir])).toHaveLength(1);
  });

  it("remembers the operator's language; signs out; a disabled operator's session ends", async () => {
    // lee, not kim: kim is throttled by the test above.
    const lee = await signIn("lee", leePassword);
    expect(lee.status).toBe(200);
    const cookie = cookieOf(lee);
    const { csrf } = (await lee.json()) as SessionView;
    const lang = await fetch(`${base}/api/session/lang`, {
      method: "PUT",
      headers: { cookie, origin: base, "x-csrf-token": csrf, "content-type": "application/json" },
      body: JSON.stringify({ lang: "ru" }),
    });
    expect(((await lang.json()) as SessionView).operator.lang).toBe("ru");
    const badLang = await fetch(`${base}/api/session/lang`, {
      method: "PUT",
      headers: { cookie, origin: base, "x-csrf-token": csrf, "content-type": "application/json" },
      body: JSON.stringify({ lang: "not a language" }),
    });
    expect(badLang.status).toBe(400);

    const out = await fetch(`${base}/api/session`, {
      method: "DELETE",
      headers: { cookie, origin: base, "x-csrf-token": csrf },
    });
    expect(out.status).toBe(204);
    expect((await fetch(`${base}/api/status`, { headers: { cookie } })).status).toBe(401);

    const back = await signIn("lee", leePassword);
    const leeAgain = cookieOf(back);
    expect(((await back.json()) as SessionView).operator.lang).toBe("ru"); // remembered
    await hotlineJson(["operator", "disable", "lee", "--dir", station.dir]);
    expect((await fetch(`${base}/api/status`, { headers: { cookie: leeAgain } })).status).toBe(401);
    expect((await signIn("lee", leePassword)).status).toBe(401);
  });

  it("serves the console's page at / and at any deep link, and the event stream to a session", async () => {
    for (const path of ["/", "/lines/abc", "/alarms"]) {
      const page = await fetch(`${base}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
      expect(await page.text()).toMatch(/<div id="root">/);
    }
    expect((await fetch(`${base}/api/nosuch`)).status).toBe(404); // no route: nothing to authorize

    const admin = await signInWithCode({ base, dir: station.dir }, "admin", station.adminPassword);
    expect((await fetch(`${base}/api/nosuch`, { headers: { cookie: cookieOf(admin) } })).status).toBe(404);
    const abort = new AbortController();
    const stream = await fetch(`${base}/api/events`, {
      headers: { cookie: cookieOf(admin) },
      signal: abort.signal,
    });
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = stream.body?.getReader();
    let text = "";
    while (!text.includes("event: status")) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) break;
      text += new TextDecoder().decode(chunk.value as Uint8Array);
    }
    abort.abort();
    expect(text).toMatch(/event: status\ndata: \{"station":\{"id":"/);
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
  });
});
