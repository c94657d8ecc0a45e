import { isAllowedServiceUrl, parseConfig } from "@spa-bff/core";
import { z } from "zod";

const schema = z.object({
  JWT_ISSUER: z
    .string("issuer URL (https, or http on loopback)")
    .refine(isAllowedServiceUrl, "an https URL (http only on loopback)")
    .transform((value) => value.replace(/\/+$/, "")),
  JWT_CLIENT_IDS: z
    .string("comma-separated client ids (web client and M2M client)")
    .transform((value) =>
      value
        .split(",")
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    )
    .refine((ids) => ids.length > 0, "at least one client id"),
  COGNITO_USER_POOL_ID: z
    .string()
    .regex(/^[\w-]+_[0-9a-zA-Z]+$/, "a Cognito user pool id such as eu-west-1_AbCdEf123")
    .optional(),
  JWT_GRACE_SECONDS: z.coerce.number("seconds").int().min(0).max(60).default(5),
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
