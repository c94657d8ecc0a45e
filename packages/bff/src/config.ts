import type { webcrypto } from "node:crypto";
import { decodeIdentifierHashKey, isAllowedServiceUrl, isLoopbackUrl, parseConfig } from "@spa-bff/core";
import { tokenTiming } from "@spa-bff/core/infra";
import * as z from "zod/mini";
import { type FilesConfig, loadFilesConfig } from "./files/config.ts";

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
  /** `IDENTIFIER_HASH_KEY`: the HMAC key of every stored or logged identifier (a user's partition, user names, addresses). */
  identifierHashKey: Buffer;
  dynamodbEndpoint?: string;
  region?: string;
  keyProvider: { kind: "kms"; keyId: string } | { kind: "local"; file: string };
  /** The private REST API base URL (with the stage path), without a trailing slash. */
  apiBaseUrl: string;
  session: { idleSeconds: number; absoluteSeconds: number; touchIntervalSeconds: number };
  refreshSkewSeconds: number;
  /** How long one instance's claim on a session's refresh holds before another may take over. */
  refreshLeaseSeconds: number;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
  /** How users sign in (`LOGIN_MODE`): the IdP's hosted page (code flow) or the BFF's branded sign-in with a second factor. */
  login: LoginConfig;
  /** Direct uploads (`/files/*`); present only when `FILES_BUCKET` is set. */
  files?: FilesConfig;
}

/** `hosted` (default): `/auth/login` and the code flow. `branded`: `/auth/signin` with Cognito's custom auth challenge as well. */
export type LoginConfig =
  | { mode: "hosted" }
  | {
      mode: "branded";
      /** `COGNITO_USER_POOL_ID`; its region prefix is the Cognito API's region. */
      userPoolId: string;
      /** `SIGNIN_TABLE`: the failed-attempt counters (core's `rateLimitTable`). */
      signInTable: string;
      /** `COGNITO_ENDPOINT`: the local Cognito stand-in (loopback only); absent in AWS. */
      endpoint?: string;
    };

// zod/mini: the same checks as classic zod at 13 KB instead of 440 KB in the bundle (cold start, the 450 KB budget).
const serviceUrl = (what: string) =>
  z.string({ error: what }).check(z.refine(isAllowedServiceUrl, { message: `${what} (https, or http on loopback)` }));
const optionalText = () => z.optional(z.string().check(z.minLength(1)));
const positive = (fallback: number) => z._default(z.coerce.number({ error: "a positive integer" }).check(z.int(), z.positive()), fallback);

const schema = z
  .object({
    OIDC_ISSUER: serviceUrl("issuer URL"),
    OIDC_CLIENT_ID: z.string({ error: "client id" }).check(z.minLength(1, "client id")),
    OIDC_CLIENT_SECRET: optionalText(),
    OIDC_PRIVATE_KEY_JWK: optionalText(),
    OIDC_SCOPES: z._default(z.string().check(z.minLength(1)), "openid email profile items/read items/write"),
    OIDC_LOGOUT_URL: z.optional(serviceUrl("logout URL")),
    APP_ORIGIN: z.string({ error: "the SPA's origin (https://…, or http on loopback)" }).check(
      z.refine((value) => isAllowedServiceUrl(value) && new URL(value).origin === value.replace(/\/$/, ""), {
        message: "an origin without path (https://…, or http on loopback)",
      }),
    ),
    SESSION_TABLE: z.string({ error: "table name" }).check(z.minLength(1, "table name")),
    IDENTIFIER_HASH_KEY: z
      .string({ error: "base64url of at least 32 random bytes" })
      .check(z.refine((value) => decodeIdentifierHashKey(value) !== undefined, { message: "base64url of at least 32 random bytes" })),
    DYNAMODB_ENDPOINT: z.optional(
      z.string().check(z.refine((value) => isLoopbackUrl(value), { message: "a loopback URL (dynalite); leave unset in AWS" })),
    ),
    KEY_PROVIDER: z.enum(["kms", "local"], { error: '"kms" or "local"' }),
    KMS_KEY_ID: optionalText(),
    LOCAL_KEY_FILE: optionalText(),
    API_BASE_URL: serviceUrl("private API base URL"),
    SESSION_IDLE_SECONDS: positive(1800),
    SESSION_ABSOLUTE_SECONDS: positive(28800),
    SESSION_TOUCH_SECONDS: positive(300),
    REFRESH_SKEW_SECONDS: z._default(
      z.coerce.number({ error: "a non-negative integer" }).check(z.int(), z.nonnegative()),
      tokenTiming.refreshSkewSeconds,
    ),
    REFRESH_LEASE_SECONDS: z.optional(z.coerce.number({ error: "a positive integer" }).check(z.int(), z.positive())),
    UPSTREAM_TIMEOUT_MS: positive(8000),
    MAX_BODY_BYTES: positive(1048576),
    AWS_REGION: optionalText(),
    LOGIN_MODE: z._default(z.enum(["hosted", "branded"], { error: '"hosted" or "branded"' }), "hosted"),
    COGNITO_USER_POOL_ID: z.optional(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/, "a user pool id (<region>_<id>)"))),
    SIGNIN_TABLE: optionalText(),
    COGNITO_ENDPOINT: z.optional(
      z.string().check(z.refine((value) => isLoopbackUrl(value), { message: "a loopback URL (the local Cognito); leave unset in AWS" })),
    ),
  })
  .check(
    z.superRefine((env, ctx) => {
      const issue = (name: string, message: string) =>
        ctx.addIssue({ code: "custom", path: [name], message, input: env[name as keyof typeof env] });
      if (!env.OIDC_CLIENT_SECRET && !env.OIDC_PRIVATE_KEY_JWK) issue("OIDC_CLIENT_SECRET", "client secret (or OIDC_PRIVATE_KEY_JWK)");
      if (env.OIDC_PRIVATE_KEY_JWK && !isPrivateJwk(env.OIDC_PRIVATE_KEY_JWK)) issue("OIDC_PRIVATE_KEY_JWK", "a private JWK as JSON");
      if (env.KEY_PROVIDER === "kms" && !env.KMS_KEY_ID) issue("KMS_KEY_ID", "KMS key id or ARN (KEY_PROVIDER=kms)");
      if (env.KEY_PROVIDER === "local" && !env.LOCAL_KEY_FILE) issue("LOCAL_KEY_FILE", "path of the local key file (KEY_PROVIDER=local)");
      if (env.LOGIN_MODE === "branded") {
        if (!env.COGNITO_USER_POOL_ID) issue("COGNITO_USER_POOL_ID", "user pool id (LOGIN_MODE=branded)");
        if (!env.SIGNIN_TABLE) issue("SIGNIN_TABLE", "table name of the sign-in attempts (LOGIN_MODE=branded)");
        // Cognito's SECRET_HASH is an HMAC keyed by the client secret; private_key_jwt cannot produce it.
        if (!env.OIDC_CLIENT_SECRET && env.OIDC_PRIVATE_KEY_JWK)
          issue("OIDC_CLIENT_SECRET", "client secret (LOGIN_MODE=branded computes SECRET_HASH)");
      }
      if (env.SESSION_IDLE_SECONDS > env.SESSION_ABSOLUTE_SECONDS) issue("SESSION_IDLE_SECONDS", "at most SESSION_ABSOLUTE_SECONDS");
    }),
  );

type RawConfig = z.output<typeof schema>;

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
  const raw: RawConfig = parseConfig(schema, env, "bff");
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
    identifierHashKey: decodeIdentifierHashKey(raw.IDENTIFIER_HASH_KEY) ?? Buffer.alloc(0),
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
    // Longer than one IdP call may take (its timeout follows UPSTREAM_TIMEOUT_MS), so only a dead holder's lease runs out.
    refreshLeaseSeconds: raw.REFRESH_LEASE_SECONDS ?? Math.ceil(raw.UPSTREAM_TIMEOUT_MS / 1000) + 2,
    upstreamTimeoutMs: raw.UPSTREAM_TIMEOUT_MS,
    maxBodyBytes: raw.MAX_BODY_BYTES,
    login:
      raw.LOGIN_MODE === "branded"
        ? {
            mode: "branded",
            userPoolId: raw.COGNITO_USER_POOL_ID ?? "",
            signInTable: raw.SIGNIN_TABLE ?? "",
            ...(raw.COGNITO_ENDPOINT ? { endpoint: raw.COGNITO_ENDPOINT } : {}),
          }
        : { mode: "hosted" },
    // The file routes are opt-in: without a bucket they answer 404 like any unknown route.
    ...(env.FILES_BUCKET ? { files: loadFilesConfig(env) } : {}),
  };
}
