import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SignaturePool, type SignatureJob } from "./signature-pool.js";

const dirs: string[] = [];
const pools: SignaturePool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** 40 jobs, every fifth with a signature by another key. */
function jobs(): { jobs: SignatureJob[]; expected: boolean[] } {
  const signer = generateKeyPairSync("ed25519");
  const other = generateKeyPairSync("ed25519");
  const key = signer.publicKey.export({ format: "jwk" }).x ?? "";
  const list: SignatureJob[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < 40; i++) {
    const signed = Buffer.from(`entry ${i}`);
    const good = i % 5 !== 0;
    list.push({
      signed,
      sig: sign(null, signed, good ? signer.privateKey : other.privateKey).toString("base64url"),
      key,
    });
    expected.push(good);
  }
  return { jobs: list, expected };
}

describe("the signature pool", () => {
  it("checks every signature, good and bad, over its worker threads", async () => {
    const pool = new SignaturePool(2);
    pools.push(pool);
    const { jobs: list, expected } = jobs();
    expect(await pool.check(list)).toEqual(expected);
  });

  it("checks a failed worker's share on the calling thread instead of failing the batch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotline-pool-"));
    dirs.push(dir);
    const broken = join(dir, "broken-worker.mjs");
    writeFileSync(broken, 'throw new Error("this worker cannot start");\n');
    const pool = new SignaturePool(2, broken);
    pools.push(pool);
    const { jobs: list, expected } = jobs();
    expect(await pool.check(list)).toEqual(expected);
    // And again: the threads are started anew, fail anew, and the answer is still whole.
    expect(await pool.check(list)).toEqual(expected);
  });
});
