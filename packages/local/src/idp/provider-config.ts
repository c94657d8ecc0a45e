import { randomBytes } from "node:crypto";
import { type LoginMode, resourceServer } from "@spa-bff/core/infra";
import type { Configuration, ErrorOut, Grant, KoaContextWithOIDC, OidcClient, OidcToken } from "oidc-provider";
import { errors } from "oidc-provider";
import { loopbackFetch } from "./backchannel-logout.ts";
import { type DemoUser, findUserBySub } from "./demo-users.ts";
import type { IdentityDeclaration } from "./identity-settings.ts";
import type { IdpKeys } from "./idp-keys.ts";
import { pageHeaders, renderErrorPage, renderLoggedOutPage, renderLogoutPage } from "./pages.ts";

/**
 * The resource indicator of the items API. oidc-provider only issues JWT
 * access tokens for a resource server, so every token carries it as `aud`;
 * Cognito access tokens have no `aud`, so nothing may depend on it.
 */
export const itemsResource = "urn:spa-bff:items";

/** The items resource server's scopes, in Cognito's `<identifier>/<name>` form (from the declaration). */
const itemsScopes: readonly string[] = resourceServer.scopes.map((scope) => `${resourceServer.identifier}/${scope.name}`);

const oidcScopes = ["openid", "email", "profile"] as const;

/**
 * Which identity provider the local IdP plays: `cognito` (what a stage
 * deploys: Cognito's discovery document, `/logout`, no back-channel logout)
 * or `oidc` (a generic OpenID Provider such as Auth0 or Okta: end-session
 * and revocation endpoints in discovery, RP-initiated logout and OIDC
 * Back-Channel Logout). Tokens and their claims are the same in both.
 */
export type IdpProfile = "cognito" | "oidc";

/** Cognito's paths, so `<issuer>/.well-known/jwks.json` (aws-jwt-verify's default JWKS URI) works. */
export const idpRoutes = {
  authorization: "/oauth2/authorize",
  token: "/oauth2/token",
  revocation: "/oauth2/revoke",
  jwks: "/.well-known/jwks.json",
  end_session: "/session/end",
} as const;

export interface WebClientOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Callback URLs; registered only in a login mode with the code flow. */
  readonly redirectUris: readonly string[];
  /** Sign-out URLs: Cognito's `logout_uri` values, or the `post_logout_redirect_uri` values of RP-initiated logout. */
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
  readonly identity: IdentityDeclaration;
  readonly loginMode: LoginMode;
  readonly profile: IdpProfile;
  /** `oidc` profile only: where the web client receives logout tokens. */
  readonly backchannelLogoutUri?: string;
  /** Told each grant saved at an authorization, so a global sign-out can find the account's grants. */
  readonly onGrantSaved?: (accountId: string, grantId: string) => void;
  /** oidc-provider's outgoing fetch; {@link loopbackFetch} unless a recorder wraps it. */
  readonly outgoingFetch?: typeof loopbackFetch;
}

/**
 * How long a browser's IdP session lasts: Cognito's hosted-UI cookie is
 * valid for one hour; a generic OP keeps its SSO session longer.
 */
const sessionSeconds: Readonly<Record<IdpProfile, number>> = { cognito: 3600, oidc: 8 * 3600 };

/** The IdP session cookie's options: `/logout` clears it with the same ones. */
export const sessionCookieOptions = { httpOnly: true, sameSite: "lax" } as const;

/** What the login page shows as "to continue to …". */
export const webClientName = "the web app";

function setPageHeaders(ctx: KoaContextWithOIDC, scriptNonce?: string): void {
  for (const [name, value] of Object.entries(pageHeaders(scriptNonce))) ctx.set(name, value);
}

/**
 * Grants a first-party client what it asked for, as Cognito's hosted UI
 * does (no consent screen): the requested OpenID scopes and the requested
 * items scopes, all of them already checked against the client's allowed
 * scopes (getResourceServerInfo refuses any other). Runs on every
 * authorization after login, so a later request for more scopes is granted
 * too instead of prompting.
 */
async function grantRequestedScopes(ctx: KoaContextWithOIDC, onGrantSaved: ProviderSettings["onGrantSaved"]): Promise<Grant | undefined> {
  const { client, account, session, result, requestParamScopes, provider } = ctx.oidc;
  if (!client || !account) return undefined;
  const grantId = result?.consent?.grantId ?? session?.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: account.accountId });
  const requested = [...requestParamScopes];
  const openidScopes = requested.filter((scope) => (oidcScopes as readonly string[]).includes(scope));
  if (openidScopes.length > 0) grant.addOIDCScope(openidScopes.join(" "));
  const resourceScopes = requested.filter((scope) => itemsScopes.includes(scope));
  if (resourceScopes.length > 0) grant.addResourceScope(itemsResource, resourceScopes.join(" "));
  onGrantSaved?.(account.accountId, await grant.save());
  return grant;
}

/**
 * The oidc-provider configuration that makes it behave like the deployed
 * Cognito user pool, with every lifetime, flow and scope from the identity
 * declaration: code flow with PKCE S256 for the confidential web client
 * (only in a login mode whose declaration allows it), a refresh token that
 * rotates and lives from the sign-in, client credentials for the M2M client
 * within its declared scopes, JWT access tokens with Cognito's claims, and
 * revocation. The `oidc` profile adds RP-initiated and back-channel logout.
 */
export function createProviderConfiguration(settings: ProviderSettings): Configuration {
  const { clients, users, keys, identity, loginMode, profile } = settings;
  const web = identity.webClient;
  const m2m = identity.m2mClient;
  const codeFlow = web.allowedOauthFlows(loginMode).includes("code");
  const oidcProfile = profile === "oidc";
  const allowedScopes = new Map<string, readonly string[]>([
    [clients.web.clientId, web.scopes],
    [clients.m2m.clientId, m2m.scopes],
  ]);
  const scopesOf = (clientId: string) => allowedScopes.get(clientId) ?? [];

  return {
    clients: [
      {
        client_id: clients.web.clientId,
        client_secret: clients.web.clientSecret,
        client_name: webClientName,
        // Without the code flow (branded mode) the client has no callback, so /oauth2/authorize refuses it
        // before any login page, as Cognito refuses a client without allowed OAuth flows.
        redirect_uris: codeFlow ? [...clients.web.redirectUris] : [],
        grant_types: codeFlow ? ["authorization_code", "refresh_token"] : ["refresh_token"],
        response_types: codeFlow ? ["code"] : [],
        token_endpoint_auth_method: "client_secret_basic",
        ...(oidcProfile ? { post_logout_redirect_uris: [...clients.web.postLogoutRedirectUris] } : {}),
        // The BFF ends the sessions of one IdP session: ID tokens carry `sid`, and so does the logout token.
        ...(oidcProfile && settings.backchannelLogoutUri
          ? { backchannel_logout_uri: settings.backchannelLogoutUri, backchannel_logout_session_required: true }
          : {}),
      },
      {
        client_id: clients.m2m.clientId,
        client_secret: clients.m2m.clientSecret,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        // No `scope` allow-list here: oidc-provider only checks its OpenID scopes against it. The
        // declared scopes are enforced in getResourceServerInfo, which sees every token request.
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: keys.jwks.keys.map((key) => ({ ...key })) },
    cookies: {
      keys: [...keys.cookieKeys],
      // No `secure` here: oidc-provider adds it itself whenever the request is https
      // (ctx.secure), and startIdp refuses any issuer that is not loopback.
      long: { ...sessionCookieOptions },
      short: { httpOnly: true, sameSite: "lax" },
    },
    routes: { ...idpRoutes },
    scopes: [...oidcScopes],
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
    // A spent refresh token presented again revokes its whole grant (oidc-provider's reuse detection). Cognito
    // instead honours it for the declared retry grace period; the hosted path here has no grace period.
    rotateRefreshToken: web.refreshTokenRotation.enabled,
    loadExistingGrant: (ctx: KoaContextWithOIDC) => grantRequestedScopes(ctx, settings.onGrantSaved),
    ttl: {
      // Every access token is a JWT for the items resource, whose lifetime getResourceServerInfo sets per client.
      AccessToken: web.accessTokenSeconds,
      ClientCredentials: m2m.accessTokenSeconds,
      IdToken: web.idTokenSeconds,
      // Counted from the sign-in, as Cognito does: a rotated refresh token lives only as long as the one it replaced.
      RefreshToken: (ctx: KoaContextWithOIDC | undefined) =>
        ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL ?? web.refreshTokenSeconds,
      AuthorizationCode: 300,
      Interaction: 3600,
      Session: sessionSeconds[profile],
      // A grant must outlive the refresh tokens issued under it; a sign-in within a live session reuses the grant.
      Grant: web.refreshTokenSeconds + sessionSeconds[profile],
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // RFC 7009 with Cognito's answers: a JWT (access or ID token) is `unsupported_token_type`; an unknown,
      // spent or another client's token is 200 and changes nothing; a refresh token is revoked with its whole
      // grant (every refresh token of that sign-in). Its JWT access tokens stay valid for a verifier that
      // checks only the signature (API Gateway), as Cognito's do until they expire.
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: KoaContextWithOIDC, client: OidcClient, token: OidcToken) => {
          if (client.clientId === clients.web.clientId && !web.enableTokenRevocation) {
            throw new errors.InvalidRequest("token revocation is disabled for this client");
          }
          return token.clientId === client.clientId;
        },
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
        getResourceServerInfo: async (ctx: KoaContextWithOIDC, resourceIndicator: string, client: OidcClient) => {
          if (resourceIndicator !== itemsResource) throw new errors.InvalidTarget();
          // Cognito refuses a scope the client is not allowed (`invalid_scope`) instead of dropping it.
          const allowed = scopesOf(client.clientId);
          for (const scope of ctx.oidc.requestParamScopes) {
            if (!allowed.includes(scope)) throw new errors.InvalidScope("requested scope is not allowed", scope);
          }
          const m2mClient = client.clientId === clients.m2m.clientId;
          return {
            scope: itemsScopes.filter((scope) => allowed.includes(scope)).join(" "),
            audience: itemsResource,
            accessTokenTTL: m2mClient ? m2m.accessTokenSeconds : web.accessTokenSeconds,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
      // Cognito has no end-session endpoint (its /logout is served beside oidc-provider) and sends no logout tokens.
      rpInitiatedLogout: oidcProfile
        ? {
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
          }
        : { enabled: false },
      backchannelLogout: { enabled: oidcProfile },
    },
    // Its only outgoing requests are logout tokens, to a loopback URI (see loopbackFetch).
    fetch: settings.outgoingFetch ?? loopbackFetch,
    renderError: async (ctx: KoaContextWithOIDC, out: ErrorOut) => {
      setPageHeaders(ctx);
      ctx.body = renderErrorPage(out.error, out.error_description);
    },
  };
}
