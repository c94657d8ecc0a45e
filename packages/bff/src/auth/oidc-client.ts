import { webcrypto } from "node:crypto";
import { isLoopbackUrl } from "@spa-bff/core";
import type * as Oidc from "openid-client";
import type { BffConfig } from "../config.ts";
import type { SessionUser, TokenSet } from "../session/types.ts";
import type { IdpTokens } from "./idp-tokens.ts";
import { toOidcError } from "./oidc-errors.ts";
import { signInMethodOf } from "./sign-in-method.ts";
import type { CompletedLogin } from "./start-session.ts";

/** A login about to start: the IdP URL and the secrets the callback must check. */
export interface StartedLogin {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The code flow's IdP as the routes see it; every failure is an `OidcRejectedError` or an `IdpError`. */
export interface OidcClient extends IdpTokens {
  startLogin(): Promise<StartedLogin>;
  /** Redeems the code of a callback URL, checking state, nonce, PKCE and the ID token. */
  redeemCode(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }, now: number): Promise<CompletedLogin>;
  /** The IdP's JWKS URI from discovery (what back-channel logout tokens are verified against). */
  jwksUri(): Promise<string>;
}

export interface OidcClientOptions {
  /** Fetch for every IdP call (discovery, token, revocation); a seam for tests and benchmarks. */
  fetch?: typeof fetch;
  /** Seconds before an IdP call is abandoned. */
  timeoutSeconds?: number;
}

/**
 * An openid-client v6 client for the configured issuer. openid-client is
 * imported and discovery runs on first use (a login or a refresh), so the
 * warm proxy path and the cold start never load it. A failed discovery is
 * retried by the next call instead of being cached.
 */
export function createOidcClient(config: BffConfig, options: OidcClientOptions = {}): OidcClient {
  let configuration: Promise<{ lib: typeof Oidc; config: Oidc.Configuration }> | undefined;

  const load = () => {
    configuration ??= discover(config, options).catch((error: unknown) => {
      configuration = undefined;
      throw toOidcError(error);
    });
    return configuration;
  };

  return {
    async startLogin() {
      const { lib, config: oidc } = await load();
      const codeVerifier = lib.randomPKCECodeVerifier();
      const state = lib.randomState();
      const nonce = lib.randomNonce();
      const url = lib.buildAuthorizationUrl(oidc, {
        redirect_uri: config.redirectUri,
        response_type: "code",
        scope: config.oidc.scopes,
        code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: "S256",
        state,
        nonce,
      });
      return { url: url.href, state, nonce, codeVerifier };
    },

    async redeemCode(callbackUrl, checks, now) {
      const { lib, config: oidc } = await load();
      try {
        const response = await lib.authorizationCodeGrant(oidc, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = response.claims();
        if (!claims) throw new Error("no ID token");
        const sid = typeof claims.sid === "string" && claims.sid.length > 0 && claims.sid.length <= 256 ? claims.sid : undefined;
        return {
          user: userOf(claims),
          tokens: tokensOf(response, now),
          signInMethod: signInMethodOf(claims),
          ...(sid ? { idpSessionId: sid } : {}),
        };
      } catch (error) {
        throw toOidcError(error);
      }
    },

    async refresh(tokens, now) {
      const { lib, config: oidc } = await load();
      if (!tokens.refreshToken)
        throw toOidcError(Object.assign(new Error("no refresh token"), { name: "ResponseBodyError", error: "invalid_grant" }));
      try {
        const response = await lib.refreshTokenGrant(oidc, tokens.refreshToken);
        const next = tokensOf(response, now);
        // Rotation: keep the new refresh token when there is one, else the old one still works.
        return {
          ...next,
          refreshToken: next.refreshToken ?? tokens.refreshToken,
          ...(next.idToken || !tokens.idToken ? {} : { idToken: tokens.idToken }),
          ...(next.scope || !tokens.scope ? {} : { scope: tokens.scope }),
        };
      } catch (error) {
        throw toOidcError(error);
      }
    },

    async revoke(refreshToken) {
      const { lib, config: oidc } = await load();
      try {
        await lib.tokenRevocation(oidc, refreshToken, { token_type_hint: "refresh_token" });
      } catch (error) {
        throw toOidcError(error);
      }
    },

    async jwksUri() {
      const { config: oidc } = await load();
      const uri = oidc.serverMetadata().jwks_uri;
      if (!uri) throw toOidcError(new Error("The IdP's discovery document names no jwks_uri"));
      return uri;
    },

    async endSessionUrl() {
      const { config: oidc } = await load();
      const endSession = oidc.serverMetadata().end_session_endpoint;
      if (endSession) {
        const url = new URL(endSession);
        url.searchParams.set("client_id", config.oidc.clientId);
        url.searchParams.set("post_logout_redirect_uri", config.postLogoutRedirectUri);
        return url.href;
      }
      if (config.oidc.logoutUrl) {
        // Cognito's hosted UI logout: its own parameter names, no end_session_endpoint in discovery.
        const url = new URL(config.oidc.logoutUrl);
        url.searchParams.set("client_id", config.oidc.clientId);
        url.searchParams.set("logout_uri", config.postLogoutRedirectUri);
        return url.href;
      }
      return config.postLogoutRedirectUri;
    },
  };
}

async function discover(config: BffConfig, options: OidcClientOptions): Promise<{ lib: typeof Oidc; config: Oidc.Configuration }> {
  const lib = await import("openid-client");
  const auth = config.oidc.privateKeyJwk
    ? lib.PrivateKeyJwt(await importPrivateKey(config.oidc.privateKeyJwk))
    : lib.ClientSecretBasic(config.oidc.clientSecret);
  // Plain http only for a loopback issuer: decided by the URL, never by a flag a deployed stage could carry.
  const insecure = isLoopbackUrl(config.oidc.issuer);
  const execute = insecure ? [lib.allowInsecureRequests] : [];
  const requestOptions = {
    execute,
    timeout: options.timeoutSeconds ?? 8,
    ...(options.fetch ? { [lib.customFetch]: options.fetch as Oidc.CustomFetch } : {}),
  };
  const discovered = await lib.discovery(new URL(config.oidc.issuer), config.oidc.clientId, undefined, auth, requestOptions);
  const metadata = discovered.serverMetadata();
  if (metadata.revocation_endpoint || !config.oidc.logoutUrl) return { lib, config: discovered };
  // Cognito's discovery lists no revocation endpoint; it lives on the hosted UI domain beside /logout.
  // A JSON copy drops the helper methods serverMetadata() adds.
  const server = {
    ...JSON.parse(JSON.stringify(metadata)),
    revocation_endpoint: new URL("/oauth2/revoke", config.oidc.logoutUrl).href,
  } as Oidc.ServerMetadata;
  const withRevocation = new lib.Configuration(server, config.oidc.clientId, undefined, auth);
  if (options.fetch) withRevocation[lib.customFetch] = options.fetch as Oidc.CustomFetch;
  withRevocation.timeout = requestOptions.timeout;
  for (const extension of execute) extension(withRevocation);
  return { lib, config: withRevocation };
}

async function importPrivateKey(jwk: webcrypto.JsonWebKey): Promise<Oidc.PrivateKey> {
  const alg =
    jwk.alg ??
    (jwk.kty === "RSA" ? "RS256" : jwk.kty === "EC" ? `ES${jwk.crv === "P-384" ? "384" : jwk.crv === "P-521" ? "512" : "256"}` : "EdDSA");
  const algorithm = algorithmOf(alg, jwk);
  const key = await webcrypto.subtle.importKey("jwk", jwk, algorithm, false, ["sign"]);
  const kid = (jwk as { kid?: unknown }).kid;
  return typeof kid === "string" ? { key, kid } : { key };
}

function algorithmOf(
  alg: string,
  jwk: webcrypto.JsonWebKey,
): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm {
  const hash = `SHA-${alg.slice(2) || "256"}`;
  if (alg.startsWith("RS")) return { name: "RSASSA-PKCS1-v1_5", hash };
  if (alg.startsWith("PS")) return { name: "RSA-PSS", hash };
  if (alg.startsWith("ES")) return { name: "ECDSA", namedCurve: jwk.crv ?? "P-256" };
  return { name: "Ed25519" };
}

function userOf(claims: Oidc.IDToken): SessionUser {
  const text = (value: unknown) => (typeof value === "string" && value.length > 0 ? value : undefined);
  const name = text(claims.name) ?? ([text(claims.given_name), text(claims.family_name)].filter(Boolean).join(" ") || undefined);
  const email = text(claims.email);
  const username = text(claims["cognito:username"]) ?? text(claims.preferred_username);
  return { sub: claims.sub, ...(name ? { name } : {}), ...(email ? { email } : {}), ...(username ? { username } : {}) };
}

function tokensOf(response: Oidc.TokenEndpointResponse & Oidc.TokenEndpointResponseHelpers, now: number): TokenSet {
  // The raw expires_in against the caller's clock (the library's expiresIn()
  // counts down from the moment the response arrived, so it drifts across a
  // second boundary). Without it, assume a short life so the BFF refreshes
  // early rather than proxying a dead token.
  const expiresIn = typeof response.expires_in === "number" && response.expires_in > 0 ? response.expires_in : 300;
  return {
    accessToken: response.access_token,
    accessTokenExpiresAt: now + expiresIn,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    // Kept (sealed) as the web identity the file routes present to STS AssumeRoleWithWebIdentity.
    ...(response.id_token ? { idToken: response.id_token } : {}),
    ...(response.scope ? { scope: response.scope } : {}),
  };
}
