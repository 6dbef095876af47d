/**
 * Self-signed certificates for HTTPS test receivers.
 *
 * `testCert()` returns a certificate for `localhost`, `127.0.0.1` and `::1` (plus any extra
 * DNS names asked for), generated once per process per set of names. It is its own issuer
 * and marked as a CA, so passing `cert` as the trusted `ca` of a client is enough.
 */
import { generate } from "selfsigned";

export interface TestCert {
  /** Private key, PEM. */
  key: string;
  /** Certificate, PEM. */
  cert: string;
  /** What a client must trust to accept `cert` (the certificate itself), PEM. */
  ca: string;
}

export interface TestCertOptions {
  /** Extra DNS names in the subjectAltName, e.g. `hooks.test`. */
  dnsNames?: string[];
  /** Generate a fresh certificate instead of the cached one (e.g. one the client does not trust). */
  fresh?: boolean;
}

const cache = new Map<string, Promise<TestCert>>();

async function generateCert(dnsNames: string[]): Promise<TestCert> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 60 * 60 * 1000),
    notAfterDate: new Date(now + 7 * 24 * 60 * 60 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          ...dnsNames.map((value) => ({ type: 2 as const, value })),
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, ca: pems.cert };
}

/** A certificate for localhost/127.0.0.1/::1 and `dnsNames`; cached per process unless `fresh`. */
export function testCert(options: TestCertOptions = {}): Promise<TestCert> {
  const names = [...new Set(options.dnsNames ?? [])].sort();
  if (options.fresh) return generateCert(names);
  const key = names.join(",");
  let cert = cache.get(key);
  if (cert === undefined) {
    cert = generateCert(names);
    cache.set(key, cert);
    cert.catch(() => cache.delete(key));
  }
  return cert;
}
