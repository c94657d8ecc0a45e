import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwksNotAvailableInCacheError,
  JwtExpiredError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from "aws-jwt-verify/error";
import { MissingClaimError } from "./access-token-claims.ts";

/** Stable, loggable reason codes for a refused token. */
export type RefusalReason =
  | "missing_authorization"
  | "malformed_authorization"
  | "malformed_token"
  | "invalid_signature"
  | "invalid_algorithm"
  | "unknown_kid"
  | "token_expired"
  | "token_not_yet_valid"
  | "invalid_issuer"
  | "invalid_token_use"
  | "invalid_client_id"
  | "invalid_claim"
  | "missing_claim"
  | "jwks_unavailable"
  | "missing_scope"
  | "malformed_method_arn"
  | "verification_failed";

// Ordered: subclasses before their parents. Matched by instanceof because a
// minified bundle renames classes, so `constructor.name` is not stable.
const reasons: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, RefusalReason]> = [
  [JwtExpiredError, "token_expired"],
  [JwtNotBeforeError, "token_not_yet_valid"],
  [JwtInvalidIssuerError, "invalid_issuer"],
  [CognitoJwtInvalidTokenUseError, "invalid_token_use"],
  [CognitoJwtInvalidClientIdError, "invalid_client_id"],
  [JwtInvalidSignatureAlgorithmError, "invalid_algorithm"],
  [JwtInvalidClaimError, "invalid_claim"],
  [JwtInvalidSignatureError, "invalid_signature"],
  [KidNotFoundInJwksError, "unknown_kid"],
  [JwtWithoutValidKidError, "unknown_kid"],
  [JwtParseError, "malformed_token"],
  [MissingClaimError, "missing_claim"],
  [FetchError, "jwks_unavailable"],
  [JwksNotAvailableInCacheError, "jwks_unavailable"],
  [WaitPeriodNotYetEndedJwkError, "jwks_unavailable"],
];

/** Maps a verification error to its reason code (never its message, which may quote claims). */
export function refusalReason(error: unknown): RefusalReason {
  for (const [errorClass, reason] of reasons) {
    if (error instanceof errorClass) return reason;
  }
  return "verification_failed";
}
