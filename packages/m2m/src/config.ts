import { isAllowedServiceUrl, parseConfig } from "@spa-bff/core";
import * as z from "zod/mini";

const url = (what: string) => z.string(what).check(z.refine(isAllowedServiceUrl, "an https URL (http only on loopback)"));

const schema = z.object({
  OIDC_ISSUER: url("issuer URL"),
  M2M_CLIENT_ID: z.string("the M2M app client id").check(z.minLength(1, "a client id")),
  M2M_CLIENT_SECRET: z.string("the M2M app client secret").check(z.minLength(1, "a client secret")),
  M2M_SCOPES: z._default(z.string().check(z.minLength(1)), "items/read"),
  API_BASE_URL: url("the private API base URL including the stage path"),
  UPSTREAM_TIMEOUT_MS: z._default(z.coerce.number("milliseconds").check(z.int(), z.gte(100), z.lte(60_000)), 8000),
});

/** Validated M2M configuration. */
export interface M2mConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: string;
  readonly apiBaseUrl: string;
  readonly timeoutMs: number;
}

/**
 * Reads the M2M configuration once, at cold start.
 *
 * @example
 * const client = createM2mClient(loadM2mConfig(process.env));
 */
export function loadM2mConfig(env: Record<string, string | undefined>): M2mConfig {
  const parsed = parseConfig(schema, env, "m2m");
  return {
    issuer: parsed.OIDC_ISSUER,
    clientId: parsed.M2M_CLIENT_ID,
    clientSecret: parsed.M2M_CLIENT_SECRET,
    scope: parsed.M2M_SCOPES,
    apiBaseUrl: parsed.API_BASE_URL,
    timeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
  };
}
