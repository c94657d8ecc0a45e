import { isAllowedServiceUrl, parseConfig } from "@spa-bff/core";
import * as z from "zod/mini";

const schema = z.object({
  JWT_ISSUER: z.pipe(
    z.string("issuer URL (https, or http on loopback)").check(z.refine(isAllowedServiceUrl, "an https URL (http only on loopback)")),
    z.transform((value: string) => value.replace(/\/+$/, "")),
  ),
  JWT_CLIENT_IDS: z
    .pipe(
      z.string("comma-separated client ids (web client and M2M client)"),
      z.transform((value: string) =>
        value
          .split(",")
          .map((id) => id.trim())
          .filter((id) => id.length > 0),
      ),
    )
    .check(z.refine((ids) => ids.length > 0, "at least one client id")),
  COGNITO_USER_POOL_ID: z.optional(
    z.string().check(z.regex(/^[\w-]+_[0-9a-zA-Z]+$/, "a Cognito user pool id such as eu-west-1_AbCdEf123")),
  ),
  JWT_GRACE_SECONDS: z._default(z.coerce.number("seconds").check(z.int(), z.gte(0), z.lte(60)), 5),
});

/** Validated authorizer configuration. */
export interface AuthorizerConfig {
  /** Expected `iss`, without a trailing slash. */
  readonly issuer: string;
  /** Accepted `client_id` values (the web client and the M2M client). */
  readonly clientIds: readonly string[];
  /** When set, the Cognito verifier is used (its JWKS URI and issuer follow from the pool id). */
  readonly cognitoUserPoolId: string | undefined;
  /** Clock skew allowed on `exp`/`nbf`/`iat`. */
  readonly graceSeconds: number;
}

/**
 * Reads the authorizer configuration once, at cold start.
 *
 * @example
 * const config = loadAuthorizerConfig(process.env);
 */
export function loadAuthorizerConfig(env: Record<string, string | undefined>): AuthorizerConfig {
  const parsed = parseConfig(schema, env, "authorizer");
  return {
    issuer: parsed.JWT_ISSUER,
    clientIds: parsed.JWT_CLIENT_IDS,
    cognitoUserPoolId: parsed.COGNITO_USER_POOL_ID,
    graceSeconds: parsed.JWT_GRACE_SECONDS,
  };
}
