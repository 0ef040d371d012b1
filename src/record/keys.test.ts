import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HotlineError, isHotlineError } from "./errors.js";
import {
  base32,
  exportPrivateKey,
  fingerprintOf,
  generateIdentity,
  groupsOf4,
  identityFromPem,
  isStationId,
  publicKeyOf,
  stationIdOf,
} from "./keys.js";

const FINGERPRINT = /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/;

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("generateIdentity()", () => {
  it("generateIdentity() gives a 43-character base64url id of the raw 32-byte public key", () => {
    const identity = generateIdentity();
    expect(identity.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(identity.id, "base64url")).toHaveLength(32);
    expect(identity.publicKey.export({ format: "jwk" })).toEqual({
      kty: "OKP",
      crv: "Ed25519",
      x: identity.id,
    });
    expect(identity.privateKey.asymmetricKeyType).toBe("ed25519");
  });

  it("generateIdentity() gives a different id each time", () => {
    const ids = new Set(Array.from({ length: 20 }, () => generateIdentity().id));
    expect(ids.size).toBe(20);
  });
});

describe("identityFromPem()", () => {
  it("identityFromPem(exportPrivateKey(x)) gives back x's id and keys", () => {
    const original = generateIdentity();
    const pem = exportPrivateKey(original);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const loaded = identityFromPem(pem);
    expect(loaded.id).toBe(original.id);
    expect(loaded.publicKey.export({ format: "jwk" })).toEqual(original.publicKey.export({ format: "jwk" }));
    expect(exportPrivateKey(loaded)).toBe(pem);
  });

  it("identityFromPem() refuses a key that is not Ed25519 with BAD_INPUT", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const error = thrown(() => identityFromPem(pem));
    expect(error).toBeInstanceOf(HotlineError);
    expect(error).toMatchObject({
      code: "BAD_INPUT",
      message: "Cannot load the station key: it is not an Ed25519 key",
    });
  });
});

describe("stationIdOf()", () => {
  it("stationIdOf() refuses a public key that is not Ed25519 with BAD_INPUT", () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(
      isHotlineError(
        thrown(() => stationIdOf(publicKey)),
        "BAD_INPUT",
      ),
    ).toBe(true);
  });
});

describe("isStationId()", () => {
  it("isStationId() accepts a generated id and refuses other shapes", () => {
    const { id } = generateIdentity();
    expect(isStationId(id)).toBe(true);
    expect(isStationId(id.slice(1))).toBe(false);
    expect(isStationId(`${id}A`)).toBe(false);
    expect(isStationId(`${id.slice(1)}+`)).toBe(false);
    expect(isStationId(`${id.slice(1)}=`)).toBe(false);
    expect(isStationId("")).toBe(false);
  });
});

describe("publicKeyOf()", () => {
  it("publicKeyOf() parses an id into the station's public key, once", () => {
    const identity = generateIdentity();
    const key = publicKeyOf(identity.id);
    expect(key.asymmetricKeyType).toBe("ed25519");
    expect(key.export({ format: "jwk" })).toEqual({ kty: "OKP", crv: "Ed25519", x: identity.id });
    expect(publicKeyOf(identity.id)).toBe(key);
  });

  const good = generateIdentity().id;
  it.each([
    ["empty", ""],
    ["42 characters", good.slice(1)],
    ["44 characters", `${good}A`],
    ["a '+' (base64, not base64url)", `+${good.slice(1)}`],
    ["a '=' pad", `${good.slice(1)}=`],
    ["a space", ` ${good.slice(1)}`],
  ])("publicKeyOf() rejects an id with %s with BAD_INPUT", (_what, id) => {
    const error = thrown(() => publicKeyOf(id));
    expect(error).toBeInstanceOf(HotlineError);
    expect(error).toMatchObject({
      code: "BAD_INPUT",
      message: `Cannot read station id '${id}': it is not 43 base64url characters`,
    });
  });
});

describe("fingerprintOf()", () => {
  it("fingerprintOf() gives 8 groups of 4 base32 characters, the same each time for an id", () => {
    const { id } = generateIdentity();
    const fingerprint = fingerprintOf(id);
    expect(fingerprint).toMatch(FINGERPRINT);
    expect(fingerprintOf(id)).toBe(fingerprint);
  });

  it("fingerprintOf() differs between two stations", () => {
    expect(fingerprintOf(generateIdentity().id)).not.toBe(fingerprintOf(generateIdentity().id));
  });

  it("fingerprintOf() is base32 of the first 20 bytes of SHA-256 of the raw key (known answers)", () => {
    // Expected values computed independently: base64.b32encode(sha256(key)[:20]) in Python.
    expect(fingerprintOf("A".repeat(43))).toBe("MZUH VLPY MK6X O3EP YGFY 5H4O EAEJ OFEF");
    expect(fingerprintOf(Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString("base64url"))).toBe(
      "MMG4 2KLG YQZW NEIS KREL XMS3 J72B FJE4",
    );
  });
});

describe("base32()", () => {
  it.each([
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ])("base32() encodes %j as %j (RFC 4648 test vectors, unpadded)", (input, output) => {
    expect(base32(Buffer.from(input, "latin1"))).toBe(output);
  });

  it("base32() encodes 0xff bytes without losing high bits", () => {
    expect(base32(Buffer.alloc(10, 0xff))).toBe("7".repeat(16));
  });
});

describe("groupsOf4()", () => {
  it("groupsOf4() splits into groups of four, the last one shorter", () => {
    expect(groupsOf4("ABCDEFGHIJ")).toBe("ABCD EFGH IJ");
    expect(groupsOf4("ABCDEFGH")).toBe("ABCD EFGH");
    expect(groupsOf4("")).toBe("");
  });
});
