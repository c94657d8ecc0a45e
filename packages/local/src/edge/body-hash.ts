import { createHash, timingSafeEqual } from "node:crypto";

/** The body SHA-256 as hex, the value the SPA sends in `x-amz-content-sha256`. */
export function sha256Hex(body: Uint8Array): string {
  return createHash("sha256").update(body).digest("hex");
}

/**
 * True when a request may pass CloudFront OAC to the function URL: bodyless
 * requests always, requests with a body only when `x-amz-content-sha256`
 * carries the hex SHA-256 of exactly those bytes. A function URL behind OAC
 * cannot sign a body it has not hashed, so AWS refuses such requests; the
 * local edge does the same so a missing header fails here, not after deploy.
 */
export function hasValidBodyHash(body: Uint8Array, header: string | undefined): boolean {
  if (body.length === 0) return true;
  if (header === undefined) return false;
  const expected = Buffer.from(sha256Hex(body), "hex");
  const given = /^[0-9a-fA-F]{64}$/.test(header.trim()) ? Buffer.from(header.trim(), "hex") : undefined;
  return given !== undefined && timingSafeEqual(given, expected);
}

/** The JSON a function URL behind OAC answers (403) when the body hash is missing or wrong. */
export const signatureMismatchBody = { message: "The request signature we calculated does not match the signature you provided." } as const;
