import type { webcrypto } from "node:crypto";
import { isAllowedServiceUrl, isLoopbackUrl, parseConfig } from "@spa-bff/core";
import { z } from "zod";

/** The BFF's configuration, parsed once at cold start by {@link loadBffConfig}. */
export interface BffConfig {
  oidc: {
    issuer: string;
    clientId: string;
    /** client_secret_basic; absent when `privateKeyJwk` is used. */
    clientSecret?: string;
    /** private_key_jwt instead of the secret. */
    privateKeyJwk?: webcrypto.JsonWebKey;
    scopes: string;
    /** Cognito's `/logout`, used when discovery has no end_session_endpoint. */
    logoutUrl?: string;
  };
  /** The SPA's public origin; the only origin allowed to call the BFF. */
  appOrigin: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  sessionTable: string;
  dynamodbEndpoint?: string;
  region?: string;
  keyProvider: { kind: "kms"; keyId: string } | { kind: "local"; file: string };
  /** The private REST API base URL (with the stage path), without a trailing slash. */
  apiBaseUrl: string;
  session: { idleSeconds: number; absoluteSeconds: number; touchIntervalSeconds: number };
  refreshSkewSeconds: number;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
}

const serviceUrl = (what: string) => z.string({ error: what }).refine(isAllowedServiceUrl, { message: `${what} (https, or http on loopback)` });
const optionalServiceUrl = (what: string) => serviceUrl(what).optional();
const seconds = (fallback: number) => z.coerce.number({ error: "a positive integer" }).int().positive().default(fallback);

const schema = z
  .object({
    OIDC_ISSUER: serviceUrl("issuer URL"),
    OIDC_CLIENT_ID: z.string({ error: "client id" }).min(1, "client id"),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_PRIVATE_KEY_JWK: z.string().min(1).optional(),
    OIDC_SCOPES: z.string().min(1).default("openid email profile items/read items/write"),
    OIDC_LOGOUT_URL: optionalServiceUrl("logout URL"),
    APP_ORIGIN: z
      .string({ error: "the SPA's origin (https://…, or http on loopback)" })
      .refine((value) => isAllowedServiceUrl(value) && new URL(value).origin === value.replace(/\/$/, ""), {
        message: "an origin without path (https://…, or http on loopback)",
      }),
    SESSION_TABLE: z.string({ error: "table name" }).min(1, "table name"),
    DYNAMODB_ENDPOINT: z
      .string()
      .refine((value) => isLoopbackUrl(value), { message: "a loopback URL (dynalite); leave unset in AWS" })
      .optional(),
    KEY_PROVIDER: z.enum(["kms", "local"], { error: '"kms" or "local"' }),
    KMS_KEY_ID: z.string().min(1).optional(),
    LOCAL_KEY_FILE: z.string().min(1).optional(),
    API_BASE_URL: serviceUrl("private API base URL"),
    SESSION_IDLE_SECONDS: seconds(1800),
    SESSION_ABSOLUTE_SECONDS: seconds(28800),
    SESSION_TOUCH_SECONDS: seconds(300),
    REFRESH_SKEW_SECONDS: z.coerce.number().int().nonnegative().default(60),
    UPSTREAM_TIMEOUT_MS: seconds(8000),
    MAX_BODY_BYTES: seconds(1048576),
    AWS_REGION: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.OIDC_CLIENT_SECRET && !env.OIDC_PRIVATE_KEY_JWK) {
      ctx.addIssue({ code: "custom", path: ["OIDC_CLIENT_SECRET"], message: "client secret (or OIDC_PRIVATE_KEY_JWK)" });
    }
    if (env.OIDC_PRIVATE_KEY_JWK && !isPrivateJwk(env.OIDC_PRIVATE_KEY_JWK)) {
      ctx.addIssue({ code: "custom", path: ["OIDC_PRIVATE_KEY_JWK"], message: "a private JWK as JSON" });
    }
    if (env.KEY_PROVIDER === "kms" && !env.KMS_KEY_ID) {
      ctx.addIssue({ code: "custom", path: ["KMS_KEY_ID"], message: "KMS key id or ARN (KEY_PROVIDER=kms)" });
    }
    if (env.KEY_PROVIDER === "local" && !env.LOCAL_KEY_FILE) {
      ctx.addIssue({ code: "custom", path: ["LOCAL_KEY_FILE"], message: "path of the local key file (KEY_PROVIDER=local)" });
    }
    if (env.SESSION_IDLE_SECONDS > env.SESSION_ABSOLUTE_SECONDS) {
      ctx.addIssue({ code: "custom", path: ["SESSION_IDLE_SECONDS"], message: "at most SESSION_ABSOLUTE_SECONDS" });
    }
  });

function isPrivateJwk(value: string): boolean {
  try {
    const jwk = JSON.parse(value) as unknown;
    return typeof jwk === "object" && jwk !== null && "kty" in jwk && "d" in jwk;
  } catch {
    return false;
  }
}

/**
 * Validates the BFF's environment once, at cold start, and throws one
 * `ConfigError` naming every missing or invalid variable.
 *
 * @example
 * const config = loadBffConfig(process.env);
 */
export function loadBffConfig(env: Record<string, string | undefined>): BffConfig {
  const raw = parseConfig(schema, env, "bff");
  const appOrigin = new URL(raw.APP_ORIGIN).origin;
  return {
    oidc: {
      issuer: raw.OIDC_ISSUER,
      clientId: raw.OIDC_CLIENT_ID,
      ...(raw.OIDC_CLIENT_SECRET ? { clientSecret: raw.OIDC_CLIENT_SECRET } : {}),
      ...(raw.OIDC_PRIVATE_KEY_JWK ? { privateKeyJwk: JSON.parse(raw.OIDC_PRIVATE_KEY_JWK) as webcrypto.JsonWebKey } : {}),
      scopes: raw.OIDC_SCOPES,
      ...(raw.OIDC_LOGOUT_URL ? { logoutUrl: raw.OIDC_LOGOUT_URL } : {}),
    },
    appOrigin,
    redirectUri: `${appOrigin}/auth/callback`,
    postLogoutRedirectUri: `${appOrigin}/`,
    sessionTable: raw.SESSION_TABLE,
    ...(raw.DYNAMODB_ENDPOINT ? { dynamodbEndpoint: raw.DYNAMODB_ENDPOINT } : {}),
    ...(raw.AWS_REGION ? { region: raw.AWS_REGION } : {}),
    keyProvider:
      raw.KEY_PROVIDER === "kms" ? { kind: "kms", keyId: raw.KMS_KEY_ID ?? "" } : { kind: "local", file: raw.LOCAL_KEY_FILE ?? "" },
    apiBaseUrl: raw.API_BASE_URL.replace(/\/+$/, ""),
    session: {
      idleSeconds: raw.SESSION_IDLE_SECONDS,
      absoluteSeconds: raw.SESSION_ABSOLUTE_SECONDS,
      touchIntervalSeconds: raw.SESSION_TOUCH_SECONDS,
    },
    refreshSkewSeconds: raw.REFRESH_SKEW_SECONDS,
    upstreamTimeoutMs: raw.UPSTREAM_TIMEOUT_MS,
    maxBodyBytes: raw.MAX_BODY_BYTES,
  };
}
