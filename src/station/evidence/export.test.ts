import { afterEach, describe, expect, it } from "vitest";
import { inProcessPair, type InProcessPair } from "../../../test/helpers/in-process-pair.js";
import { MOSCOW_READOUT_EN, MOSCOW_READOUT_RU, WASHINGTON_READOUT } from "../../../test/helpers/readouts.js";
import { canonicalJson, signBundle, type Bundle } from "../../record/mod.js";
import { answerCall, recordCallHeld, requestCall } from "../calls/calls.js";
import { exportBundle } from "./export.js";
import { markReadout, publishReadout } from "../calls/readouts.js";
import { renderTranscript } from "./transcript.js";
import { translateEntry } from "../thread/translations.js";
import { verifyBundle } from "./verify-bundle.js";

describe("export bundles and offline verification", () => {
  let pair: InProcessPair;
  afterEach(async () => await pair.close());

  /** A line with messages, a call held, both readouts, a mark and a translation; Moscow's heads kept at Washington. */
  async function record() {
    pair = await inProcessPair();
    const { washington, moscow, sync, at, line } = pair;
    await washington.send({
      line,
      text: "Line check, please confirm.",
      precedence: "IMMEDIATE",
      operator: "kim",
    });
    await sync();
    at("2022-10-21T09:05:00.000Z");
    const call = await requestCall(washington, {
      line,
      level: "minister",
      topic: "Ukraine",
      proposedTime: "2022-10-21T14:00:00.000Z",
      participants: ["Secretary Austin", "Minister Shoigu"],
      operator: "kim",
    });
    await sync();
    await answerCall(moscow, { call: call.hash, answer: "accept", operator: "ivanov" });
    await sync();
    at("2022-10-21T15:00:00.000Z");
    await recordCallHeld(washington, {
      call: call.hash,
      start: "2022-10-21T14:00:00.000Z",
      end: "2022-10-21T14:45:00.000Z",
      operator: "kim",
    });
    const us = await publishReadout(washington, {
      call: call.hash,
      text: WASHINGTON_READOUT,
      operator: "kim",
    });
    at("2022-10-21T15:30:00.000Z");
    const ru = await publishReadout(moscow, { call: call.hash, text: MOSCOW_READOUT_RU, operator: "ivanov" });
    await translateEntry(moscow, { entry: ru.hash, lang: "en", text: MOSCOW_READOUT_EN, operator: "ivanov" });
    await sync();
    await markReadout(washington, {
      readout: ru.hash,
      point: 2,
      verdict: "disputed",
      comment: "No evidence <none> & rejected",
      operator: "kim",
    });
    await sync();
    await washington.acceptStatement(await moscow.headStatement(line), moscow.id);
    return { call, us, ru };
  }

  const resign = async (bundle: Bundle, change: (b: Bundle) => void): Promise<string> => {
    const copy = structuredClone(bundle);
    change(copy);
    const { sig: _sig, ...unsigned } = copy;
    return canonicalJson(signBundle(unsigned, pair.washington.identity));
  };
  const codes = async (text: string) => (await verifyBundle(text)).problems.map((p) => p.code);

  it("verifyBundle() finds an exported bundle intact, every participant's heads covering the whole record", async () => {
    await record();
    const bundle = await exportBundle(pair.washington, "moscow-washington");
    expect(bundle).toMatchObject({
      v: 1,
      kind: "hotline.bundle",
      line: { id: pair.line, name: "moscow-washington" },
      exportedBy: { station: pair.washington.id, name: "Washington" },
    });
    expect(bundle.entries).toHaveLength((await pair.washington.store.entries(pair.line)).length);
    expect(bundle.statements.map((s) => (s as { station: string }).station).sort()).toEqual(
      [pair.washington.id, pair.moscow.id].sort(),
    );
    const report = await verifyBundle(canonicalJson(bundle));
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, lines: 1, entries: bundle.entries.length });
    expect(report.coverage.map((c) => [c.name, c.complete, c.uncovered])).toEqual([
      ["Washington", true, 0],
      ["Moscow", true, 0],
    ]);
  });

  it("verifyBundle() reports what a participant's signed heads do not cover, and heads beyond the bundle", async () => {
    await record();
    const { washington, moscow, line } = pair;
    const later = await washington.send({ line, text: "One more", operator: "kim" });
    const uncovered = await exportBundle(washington, line);
    const report = await verifyBundle(canonicalJson(uncovered));
    expect(report.ok).toBe(true);
    expect(report.coverage.find((c) => c.name === "Moscow")).toMatchObject({
      complete: false,
      uncovered: 1,
      notCovered: [{ author: washington.id, seq: later.seq, hash: later.hash }],
    });

    // Moscow signs heads naming an entry Washington never received: the bundle lacks it.
    await moscow.send({ line, text: "Not yet delivered", operator: "ivanov" });
    await washington.acceptStatement(await moscow.headStatement(line), moscow.id);
    expect(await codes(canonicalJson(await exportBundle(washington, line)))).toContain("CHAIN_GAP");
  });

  it("verifyBundle() names each problem of a damaged bundle with a stable code", async () => {
    const { us } = await record();
    const bundle = await exportBundle(pair.washington, "moscow-washington");
    const text = canonicalJson(bundle);

    expect(await codes("{")).toEqual(["BAD_BUNDLE"]);
    expect(await codes(text.slice(0, text.length / 2))).toEqual(["BAD_BUNDLE"]);
    expect(await codes(JSON.stringify({ ...bundle, kind: "something.else" }))).toEqual(["BAD_BUNDLE"]);
    expect(await codes(JSON.stringify([1, 2]))).toEqual(["BAD_BUNDLE"]);

    // One byte of Washington's readout changed: its signature, the next link, the heads, the bundle.
    const at = text.indexOf("stressed the importance");
    const flipped = `${text.slice(0, at)}X${text.slice(at + 1)}`;
    const report = await verifyBundle(flipped);
    expect(report.ok).toBe(false);
    const place = await pair.washington.store.entryByHash(us.hash);
    expect(report.problems).toContainEqual(
      expect.objectContaining({ code: "BAD_SIGNATURE", author: place?.author, seq: place?.seq }),
    );
    expect(report.problems).toContainEqual(
      expect.objectContaining({ code: "BAD_SIGNATURE", author: pair.washington.id, seq: null }),
    );
    // Nobody's signed heads cover the changed entry, nor what comes before it in its chain.
    for (const c of report.coverage) {
      expect(c.complete).toBe(false);
      expect(c.notCovered).toContainEqual(
        expect.objectContaining({ author: place?.author, seq: place?.seq }),
      );
      expect(c.notCovered).toContainEqual(expect.objectContaining({ author: place?.author, seq: 1 }));
    }

    expect(await codes(canonicalJson({ ...bundle, sig: "A".repeat(86) }))).toEqual(["BAD_SIGNATURE"]);
    expect(
      await codes(
        await resign(bundle, (b) => {
          (b.participants[1] as { fingerprint: string }).fingerprint = "AAAA BBBB";
        }),
      ),
    ).toEqual(["MISMATCH"]);
    expect(await codes(await resign(bundle, (b) => b.participants.pop()))).toEqual(["BAD_BUNDLE"]);
    expect(
      await codes(
        await resign(bundle, (b) => {
          const statement = b.statements[0] as { time: string };
          statement.time = "2030-01-01T00:00:00.000Z";
        }),
      ),
    ).toEqual(["BAD_SIGNATURE"]);
    const withoutOne = await verifyBundle(
      await resign(bundle, (b) => {
        b.entries.splice(3, 1);
      }),
    );
    expect(withoutOne.problems.map((p) => p.code)).toContain("CHAIN_GAP");
  });

  it("verifyBundle() calls an entry written with a key given twice NOT_CANONICAL, though its signature checks", async () => {
    await record();
    const text = canonicalJson(await exportBundle(pair.washington, "moscow-washington"));
    const signed = '"text":"Line check, please confirm."';
    expect(text).toContain(signed);
    // A reader keeping the first of two equal keys reads "forged"; JSON.parse keeps the signed one.
    const forged = text.replace(signed, `"text":"forged",${signed}`);
    const report = await verifyBundle(forged);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(["NOT_CANONICAL"]);
    expect(report.problems[0]).toMatchObject({
      author: pair.washington.id,
      detail: expect.stringMatching(/^Entry #/) as unknown,
    });
    // The same for a head statement: a first "line" naming another line, which JSON.parse drops.
    const at = text.indexOf('"statements":[{') + '"statements":[{'.length;
    const twice = `${text.slice(0, at)}"line":"${"0".repeat(64)}",${text.slice(at)}`;
    expect(await codes(twice)).toContain("NOT_CANONICAL");
  });

  it("verifyBundle() reports a member.add naming member null as SCHEMA, not a crash", async () => {
    await record();
    const bundle = await exportBundle(pair.washington, "moscow-washington");
    const last = bundle.entries.at(-1) as Record<string, unknown>;
    const report = await verifyBundle(
      await resign(bundle, (b) => {
        b.entries.push({ ...last, seq: 99, kind: "member.add", body: { member: null, operator: "kim" } });
      }),
    );
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain("SCHEMA");
    expect(report.problems.map((p) => p.code)).not.toContain("INTERNAL");
  });

  it("renderTranscript() puts readouts, marks and translations in place, escaped for HTML and Markdown", async () => {
    await record();
    const { washington, line } = pair;
    await washington.send({ line, text: "<script>alert('x')</script> & *bold*", operator: "kim" });
    const html = await renderTranscript(washington, line, "html");
    expect(html).toContain("He rejected any pretext for Russian escalation.");
    expect(html).toContain("Министр Шойгу выразил обеспокоенность");
    expect(html).toContain(MOSCOW_READOUT_EN.slice(0, 60));
    expect(html).toContain("the author&#39;s own translation; not authoritative");
    expect(html).toContain("DISPUTED by Washington (kim): No evidence &lt;none&gt; &amp; rejected");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; *bold*");
    expect(html).not.toContain("<script>");
    expect(html).toContain("Only Moscow mentions:");

    const md = await renderTranscript(washington, line, "md");
    expect(md).toContain("He rejected any pretext for Russian escalation.");
    expect(md).toContain("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \\*bold\\*");
    expect(md).toContain("Translation into en by ivanov");
    expect(md).toMatch(/2022-10-21 14:00:00 UTC to 2022-10-21 14:45:00 UTC \(45 min\)/);
  });
});
