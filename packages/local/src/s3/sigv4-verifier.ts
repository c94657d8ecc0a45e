import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The request as it arrived: `url` is the raw path and query, exactly as sent. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /**
   * The payload, for services that hash it themselves (every AWS JSON
   * service): its SHA-256 then goes into the canonical request, whatever
   * `x-amz-content-sha256` claims, so a changed body breaks the signature.
   * Leave it out for S3, which signs the header's value (`UNSIGNED-PAYLOAD`
   * for presigned URLs) and checks a payload against it separately.
   */
  body?: Uint8Array;
}

/** Why a request was refused, in S3's own error codes. */
export type VerifyResult =
  | { ok: true; accessKeyId: string }
  | {
      ok: false;
      code: "AccessDenied" | "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "AuthorizationQueryParametersError" | "RequestTimeTooSkewed";
      message: string;
    };

const algorithm = "AWS4-HMAC-SHA256";

/**
 * Verifies an AWS Signature Version 4 request, presigned (query) or signed
 * (Authorization header), the way S3 does: the canonical request is rebuilt
 * from the method, the raw path, every query parameter but the signature, and
 * each signed header's value as received. So a presigned PUT whose
 * `content-type` or `content-length` was signed fails when the browser
 * sends another type or size. Given the `body`, it verifies the payload too,
 * as the JSON services (Cognito's admin API) do.
 *
 * s3rver 3 accepts any V4 signature from a known key without computing it;
 * the local platform puts this check in front of it so local uploads obey
 * the same rules as S3. The payload itself is not hashed (S3 does not for
 * `UNSIGNED-PAYLOAD`, which presigned URLs use).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
 */
export function verifySigV4(request: SignedRequest, secretFor: (accessKeyId: string) => string | undefined, now: Date): VerifyResult {
  const [rawPath = "/", rawQuery = ""] = splitOnce(request.url, "?");
  const query = parseQuery(rawQuery);
  const authorization = header(request.headers, "authorization");
  const presigned = query.some(([name]) => name === "X-Amz-Algorithm");
  if (presigned === (authorization !== undefined)) {
    return { ok: false, code: "AccessDenied", message: "Exactly one of a presigned query or an Authorization header is required" };
  }

  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let amzDate: string | undefined;
  let payloadHash: string | undefined;
  if (presigned) {
    const get = (name: string) => query.find(([key]) => key === name)?.[1];
    if (get("X-Amz-Algorithm") !== algorithm) return queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    credential = get("X-Amz-Credential");
    signedHeaders = get("X-Amz-SignedHeaders");
    signature = get("X-Amz-Signature");
    amzDate = get("X-Amz-Date");
    payloadHash = get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD";
    const expires = Number(get("X-Amz-Expires"));
    const signedAt = parseAmzDate(amzDate);
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800 || signedAt === undefined) {
      return queryError("X-Amz-Date and X-Amz-Expires (1 to 604800 seconds) are required");
    }
    if (now.getTime() > signedAt + expires * 1000) return { ok: false, code: "AccessDenied", message: "Request has expired" };
  } else {
    const match = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(authorization ?? "");
    if (!match) return { ok: false, code: "AccessDenied", message: "The Authorization header is not a SigV4 header" };
    [, credential, signedHeaders, signature] = match;
    amzDate = header(request.headers, "x-amz-date");
    payloadHash = request.body ? createHash("sha256").update(request.body).digest("hex") : header(request.headers, "x-amz-content-sha256");
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined || payloadHash === undefined) {
      return { ok: false, code: "AccessDenied", message: "x-amz-date and x-amz-content-sha256 are required" };
    }
    if (Math.abs(now.getTime() - signedAt) > 15 * 60 * 1000) {
      return {
        ok: false,
        code: "RequestTimeTooSkewed",
        message: "The difference between the request time and the current time is too large.",
      };
    }
  }
  if (!credential || !signedHeaders || !signature || !amzDate || !payloadHash) return queryError("Incomplete SigV4 parameters");

  const [accessKeyId = "", date = "", region = "", service = "", terminator = ""] = credential.split("/");
  if (terminator !== "aws4_request" || date !== amzDate.slice(0, 8) || !region || !service) {
    return queryError("The credential scope is malformed");
  }
  const secret = secretFor(accessKeyId);
  if (secret === undefined) {
    return { ok: false, code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records." };
  }
  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("host")) return queryError("The host header must be signed");

  const canonicalHeaders: string[] = [];
  for (const name of headerNames) {
    const value = header(request.headers, name);
    if (value === undefined) return mismatch();
    canonicalHeaders.push(`${name}:${value.trim().replace(/\s+/g, " ")}\n`);
  }
  const canonicalQuery = query
    .filter(([name]) => name !== "X-Amz-Signature")
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const canonicalRequest = [
    request.method.toUpperCase(),
    rawPath,
    canonicalQuery,
    canonicalHeaders.join(""),
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [algorithm, amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = [date, region, service, "aws4_request"].reduce<Buffer>((key, part) => hmac(key, part), Buffer.from(`AWS4${secret}`));
  const expected = hmac(signingKey, stringToSign);
  const provided = Buffer.from(signature, "hex");
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) return mismatch();
  return { ok: true, accessKeyId };
}

function splitOnce(value: string, separator: string): [string, string] {
  const index = value.indexOf(separator);
  return index === -1 ? [value, ""] : [value.slice(0, index), value.slice(index + 1)];
}

function parseQuery(raw: string): Array<[string, string]> {
  if (raw === "") return [];
  return raw.split("&").map((pair) => {
    const [name, value] = splitOnce(pair, "=");
    return [safeDecode(name), safeDecode(value)];
  });
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // An undecodable parameter can never match a signature computed over a decodable one.
    return `\u0000${value}`;
  }
}

function header(headers: SignedRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function parseAmzDate(value: string | undefined): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s);
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

function hmac(key: Buffer, value: string): Buffer {
  return createHmac("sha256", key).update(value, "utf8").digest();
}

function queryError(message: string): VerifyResult {
  return { ok: false, code: "AuthorizationQueryParametersError", message };
}

function mismatch(): VerifyResult {
  return {
    ok: false,
    code: "SignatureDoesNotMatch",
    message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  };
}
