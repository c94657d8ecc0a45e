import type { SignInMethod } from "../session/types.ts";

/** RFC 8176 methods that mean a second factor took part. */
const secondFactors = new Set(["mfa", "otp", "sms", "tel", "hwk", "swk", "sc", "fpt", "face", "iris", "retina"]);

/**
 * How a user of the code flow signed in, from the ID token: `federated`
 * when Cognito says another IdP vouched for them (its `identities` claim),
 * `password_and_code` when the token's `amr` (RFC 8176) names a second
 * factor, else `password`. Cognito's own ID tokens carry no `amr`, so a
 * user pool's TOTP or SMS MFA on the hosted page is reported as `password`:
 * what the token proves, not more.
 */
export function signInMethodOf(claims: Record<string, unknown>): SignInMethod {
  if (Array.isArray(claims.identities) && claims.identities.length > 0) return "federated";
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((value): value is string => typeof value === "string") : [];
  return amr.some((method) => secondFactors.has(method)) ? "password_and_code" : "password";
}
