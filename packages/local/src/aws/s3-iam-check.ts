import { type SignedRequest, verifySigV4 } from "../s3/sigv4-verifier.ts";
import type { LocalIam } from "./local-iam.ts";
import { s3Requirements } from "./s3-operations.ts";

/** A refusal in S3's terms: the status and the `<Code>` and `<Message>` of its XML error. */
export interface S3Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** S3's messages for credentials it does not accept, word for word. */
const messages = {
  invalidAccessKeyId: "The AWS Access Key Id you provided does not exist in our records.",
  invalidToken: "The provided token is malformed or otherwise invalid.",
  expiredToken: "The provided token has expired.",
} as const;

/**
 * Authenticates and authorizes one S3 request, signed or presigned, against
 * the local account: the SigV4 signature with the key's secret (presigned
 * URLs included, so the SPA's PUTs are checked too), the session token
 * (`X-Amz-Security-Token`, header or query) and its expiry, then each IAM
 * action the request needs (see `s3Requirements`) against the principal's
 * grants, with `${sub}` of a web-identity session and the listing's
 * `s3:prefix`. Answers `undefined` when S3 would serve the request.
 *
 * Refusals are S3's: 403 `AccessDenied` (`User: … is not authorized to
 * perform: s3:PutObject on resource: "arn:aws:s3:::…" because no
 * identity-based policy allows the s3:PutObject action`), 403
 * `InvalidAccessKeyId`, 400 `InvalidToken`, 400 `ExpiredToken`, and the
 * verifier's own (`SignatureDoesNotMatch`, `RequestTimeTooSkewed`, …).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
 */
export function checkS3Request(iam: LocalIam, request: SignedRequest, now: Date): S3Refusal | undefined {
  const verified = verifySigV4(request, iam.secretAccessKeyFor, now);
  if (!verified.ok)
    return { status: verified.code === "AuthorizationQueryParametersError" ? 400 : 403, code: verified.code, message: verified.message };
  const sessionToken = sessionTokenOf(request);
  const authentication = iam.authenticate(verified.accessKeyId, sessionToken);
  if (!authentication.ok) {
    switch (authentication.reason) {
      case "expired_token":
        return { status: 400, code: "ExpiredToken", message: messages.expiredToken };
      case "invalid_token":
        return { status: 400, code: "InvalidToken", message: messages.invalidToken };
      default:
        // A temporary key without its token is, to S3, a key it does not know.
        return { status: 403, code: "InvalidAccessKeyId", message: messages.invalidAccessKeyId };
    }
  }
  for (const { action, resource, s3Prefix } of s3Requirements(request.method, request.url, request.headers)) {
    const decision = iam.authorize(verified.accessKeyId, action, resource, { sessionToken, s3Prefix });
    if (decision.allowed) continue;
    if (decision.reason !== "not_granted") return { status: 403, code: "InvalidAccessKeyId", message: messages.invalidAccessKeyId };
    return {
      status: 403,
      code: "AccessDenied",
      // S3 quotes the resource in its access-denied context, unlike IAM's other services.
      message: `User: ${decision.principal.arn} is not authorized to perform: ${action} on resource: "${resource}" because no identity-based policy allows the ${action} action`,
    };
  }
  return undefined;
}

function sessionTokenOf(request: SignedRequest): string | undefined {
  const fromHeader = request.headers["x-amz-security-token"];
  if (typeof fromHeader === "string") return fromHeader;
  const query = request.url.indexOf("?") === -1 ? "" : request.url.slice(request.url.indexOf("?") + 1);
  for (const pair of query.split("&")) {
    const equals = pair.indexOf("=");
    const name = equals === -1 ? pair : pair.slice(0, equals);
    const value = equals === -1 ? "" : pair.slice(equals + 1);
    if (name === "X-Amz-Security-Token") {
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}
