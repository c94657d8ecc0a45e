import { randomBytes } from "node:crypto";
import type { Configuration, ErrorOut, Grant, KoaContextWithOIDC, OidcClient, OidcToken } from "oidc-provider";
import { errors } from "oidc-provider";
import { type DemoUser, findUserBySub } from "./demo-users.ts";
import type { IdpKeys } from "./idp-keys.ts";
import { pageHeaders, renderErrorPage, renderLoggedOutPage, renderLogoutPage } from "./pages.ts";

/**
 * The resource indicator of the items API. oidc-provider only issues JWT
 * access tokens for a resource server, so every token carries it as `aud`;
 * Cognito access tokens have no `aud`, so nothing may depend on it.
 */
export const itemsResource = "urn:spa-bff:items";

/** The items resource server's scopes, in Cognito's `<identifier>/<name>` form. */
export const itemsScopes = ["items/read", "items/write"] as const;

const oidcScopes = ["openid", "email", "profile"] as const;

export interface WebClientOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
}

export interface M2mClientOptions {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface IdpClients {
  readonly web: WebClientOptions;
  readonly m2m: M2mClientOptions;
}

export interface ProviderSettings {
  readonly clients: IdpClients;
  readonly users: readonly DemoUser[];
  readonly keys: IdpKeys;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
}

/** What the login page shows as "to continue to …". */
export const webClientName = "the web app";

function setPageHeaders(ctx: KoaContextWithOIDC, scriptNonce?: string): void {
  for (const [name, value] of Object.entries(pageHeaders(scriptNonce))) ctx.set(name, value);
}

/**
 * Grants a first-party client what it asked for, as Cognito's hosted UI
 * does (no consent screen): the requested OpenID scopes and the requested
 * items scopes. Runs on every authorization after login, so a later request
 * for more scopes is granted too instead of prompting.
 */
async function grantRequestedScopes(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { client, account, session, result, requestParamScopes, provider } = ctx.oidc;
  if (!client || !account) return undefined;
  const grantId = result?.consent?.grantId ?? session?.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: account.accountId });
  const requested = [...requestParamScopes];
  const openidScopes = requested.filter((scope) => (oidcScopes as readonly string[]).includes(scope));
  if (openidScopes.length > 0) grant.addOIDCScope(openidScopes.join(" "));
  const resourceScopes = requested.filter((scope) => (itemsScopes as readonly string[]).includes(scope));
  if (resourceScopes.length > 0) grant.addResourceScope(itemsResource, resourceScopes.join(" "));
  await grant.save();
  return grant;
}

/**
 * The oidc-provider configuration that makes it behave like the deployed
 * Cognito user pool: code flow with PKCE S256 for a confidential web client
 * that always gets a (rotating) refresh token, client credentials for the
 * M2M client, JWT access tokens with Cognito's claims, revocation and
 * RP-initiated logout without `id_token_hint`.
 */
export function createProviderConfiguration(settings: ProviderSettings): Configuration {
  const { clients, users, keys, accessTokenTtlSeconds, refreshTokenTtlSeconds } = settings;
  return {
    clients: [
      {
        client_id: clients.web.clientId,
        client_secret: clients.web.clientSecret,
        client_name: webClientName,
        redirect_uris: [...clients.web.redirectUris],
        post_logout_redirect_uris: [...clients.web.postLogoutRedirectUris],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
      {
        client_id: clients.m2m.clientId,
        client_secret: clients.m2m.clientSecret,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        // No `scope` allow-list: oidc-provider only accepts its OpenID scopes there. The token's scope
        // is cut to the items resource server's scopes anyway (see getResourceServerInfo).
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: keys.jwks.keys.map((key) => ({ ...key })) },
    cookies: {
      keys: [...keys.cookieKeys],
      // No `secure` here: oidc-provider adds it itself whenever the request is https
      // (ctx.secure), and startIdp refuses any issuer that is not loopback.
      long: { httpOnly: true, sameSite: "lax" },
      short: { httpOnly: true, sameSite: "lax" },
    },
    // Cognito's paths, so `<issuer>/.well-known/jwks.json` (aws-jwt-verify's default JWKS URI) works.
    routes: {
      authorization: "/oauth2/authorize",
      token: "/oauth2/token",
      revocation: "/oauth2/revoke",
      jwks: "/.well-known/jwks.json",
      end_session: "/session/end",
    },
    scopes: [...oidcScopes, "offline_access"],
    claims: {
      openid: ["sub", "cognito:username", "token_use"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    // Like Cognito, the ID token itself carries the profile claims (there is no userinfo call).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => {
      const user = findUserBySub(users, sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        // Cognito marks its ID tokens with token_use "id", so an ID token is never mistaken for an access token.
        claims: async (use: string) => ({
          ...(use === "id_token" ? { token_use: "id" } : {}),
          sub: user.sub,
          "cognito:username": user.username,
          name: user.name,
          email: user.email,
          email_verified: user.emailVerified,
        }),
      };
    },
    extraTokenClaims: async (_ctx: KoaContextWithOIDC, token: OidcToken) => {
      if (token.kind === "ClientCredentials") return { token_use: "access" };
      if (token.kind !== "AccessToken") return undefined;
      const user = token.accountId ? findUserBySub(users, token.accountId) : undefined;
      return user ? { token_use: "access", username: user.username } : { token_use: "access" };
    },
    // Cognito gives the web client a refresh token without `offline_access`, and it outlives the hosted-UI session.
    issueRefreshToken: async (_ctx: KoaContextWithOIDC, client: OidcClient) => client.grantTypeAllowed("refresh_token"),
    expiresWithSession: async () => false,
    rotateRefreshToken: true,
    loadExistingGrant: grantRequestedScopes,
    ttl: {
      AccessToken: accessTokenTtlSeconds,
      ClientCredentials: accessTokenTtlSeconds,
      IdToken: accessTokenTtlSeconds,
      RefreshToken: refreshTokenTtlSeconds,
      AuthorizationCode: 300,
      Interaction: 3600,
      Session: 8 * 3600,
      // A grant must outlive the refresh tokens issued under it.
      Grant: refreshTokenTtlSeconds,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Like Cognito: a client can revoke only the tokens issued to it.
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: KoaContextWithOIDC, client: OidcClient, token: OidcToken) => token.clientId === client.clientId,
      },
      // Userinfo only accepts access tokens without `aud`, and JWT access tokens must have one, so
      // the endpoint could never accept our tokens; leaving it out also makes every token request
      // resolve to the items resource.
      userinfo: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => itemsResource,
        // openid-client sends no `resource` at the token endpoint: use the one granted at authorization.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: KoaContextWithOIDC, resourceIndicator: string) => {
          if (resourceIndicator !== itemsResource) throw new errors.InvalidTarget();
          return {
            scope: itemsScopes.join(" "),
            audience: itemsResource,
            accessTokenTTL: accessTokenTtlSeconds,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          const nonce = randomBytes(16).toString("base64");
          setPageHeaders(ctx, nonce);
          ctx.body = renderLogoutPage(form, ctx.host, nonce);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          setPageHeaders(ctx);
          const client = ctx.oidc.client;
          ctx.body = renderLoggedOutPage(client ? (client.clientName ?? client.clientId) : undefined);
        },
      },
    },
    renderError: async (ctx: KoaContextWithOIDC, out: ErrorOut) => {
      setPageHeaders(ctx);
      ctx.body = renderErrorPage(out.error, out.error_description);
    },
  };
}
