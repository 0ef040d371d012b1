import { createHash, webcrypto, X509Certificate } from "node:crypto";
import type * as X509 from "@peculiar/x509";
import { HotlineError } from "../../record/mod.js";

/** Loaded on first use: only `init` makes certificates, and the library is slow to load. */
async function loadX509(): Promise<typeof X509> {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  // Node's webcrypto is the Web Crypto the library wants (its types name the DOM's Crypto).
  x509.cryptoProvider.set(webcrypto as never);
  return x509;
}

/** A station's TLS credentials, PEM. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/**
 * Makes the self-signed certificate a station presents to its peers (as server and as client).
 * Peers pin its fingerprint at pairing, so no certificate authority is involved.
 *
 * @param name the station's name, put in the subject
 * @param hosts host names and IP addresses the station is reached at
 * @param options from when (default now) and for how many days (default 20 years) it is valid
 * @returns certificate and private key, PEM
 */
export async function makeSelfSignedCertificate(
  name: string,
  hosts: readonly string[],
  options: { now?: number; validDays?: number } = {},
): Promise<TlsCredentials> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const now = options.now ?? Date.now();
  const validMs = (options.validDays ?? 20 * 365) * 24 * 3600_000;
  const altNames = [...new Set(["localhost", "127.0.0.1", ...hosts])].map((host) =>
    /^[\d.]+$/.test(host) || host.includes(":")
      ? { type: "ip" as const, value: host }
      : { type: "dns" as const, value: host },
  );
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString("hex")
      .replace(/^[89a-f]/, "1"),
    name: `CN=${name.replace(/[,=+<>#;"\\]/g, " ")}, O=hotline station`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validMs),
    signingAlgorithm: ALGORITHM,
    // Node's webcrypto key pair is the one the library expects; only the DOM type names differ.
    keys: keys as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      new x509.SubjectAlternativeNameExtension(altNames),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8)
    .toString("base64")
    .replace(/.{64}/g, "$&\n")
    .replace(/\n?$/, "\n")}-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString("pem"), key };
}

/**
 * @param pem a certificate, PEM
 * @returns its fingerprint as the record and pairing carry it: "sha256:" and hex of the DER
 */
export function certFingerprint(pem: string): string {
  try {
    return fingerprintOfDer(new X509Certificate(pem).raw);
  } catch (cause) {
    throw new HotlineError("BAD_INPUT", "Cannot read the TLS certificate: it is not a PEM certificate", {
      cause,
    });
  }
}

/**
 * @param der a certificate, DER
 * @returns "sha256:" and hex of its SHA-256
 */
export function fingerprintOfDer(der: Uint8Array): string {
  return `sha256:${createHash("sha256").update(der).digest("hex")}`;
}

/**
 * @param pem a certificate, PEM
 * @returns when it stops being valid, ms since the epoch
 */
export function certNotAfter(pem: string): number {
  return Date.parse(new X509Certificate(pem).validTo);
}
