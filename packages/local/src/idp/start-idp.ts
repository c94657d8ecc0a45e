import { EventEmitter } from "node:events";
import { createServer, type RequestListener } from "node:http";
import { ConfigError, createLogger, isLoopbackUrl } from "@spa-bff/core";
import type { LoginMode } from "@spa-bff/core/infra";
import Provider from "oidc-provider";
import type { CognitoClientSettings } from "../cognito/client-settings.ts";
import { createAuthChallengeTriggers } from "../cognito/in-process-triggers.ts";
import type { CognitoIamOptions } from "../cognito/json-protocol.ts";
import { createLocalCognito, type LocalCognito } from "../cognito/local-cognito.ts";
import type { CognitoTriggers } from "../cognito/triggers.ts";
import { close, listen } from "../http/listen.ts";
import { createAccountGrants } from "./account-grants.ts";
import { type BackchannelLogouts, createBackchannelLogoutRecorder } from "./backchannel-logout.ts";
import { createCognitoDiscovery } from "./cognito-discovery.ts";
import { createCognitoLogout } from "./cognito-logout.ts";
import { type DemoUser, defaultDemoUsers } from "./demo-users.ts";
import { declaredIdentity, type IdentityDeclaration } from "./identity-settings.ts";
import { loadOrCreateIdpKeys } from "./idp-keys.ts";
import { createInteractionRoutes } from "./interactions.ts";
import { createLocalMailbox, type LocalMailbox } from "./mailbox.ts";
import { createMailboxRoute } from "./mailbox-route.ts";
import { pageHeaders, renderErrorPage } from "./pages.ts";
import {
  createProviderConfiguration,
  type IdpClients,
  type IdpProfile,
  idpRoutes,
  sessionCookieOptions,
  webClientName,
} from "./provider-config.ts";
import { createTokenEndpointHolds } from "./token-endpoint-holds.ts";
import { createTokenHolds, type HeldTokenRequests, type HoldTokenRequestsOptions } from "./token-holds.ts";

export interface StartIdpOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Defaults to "127.0.0.1"; must be a loopback address, since the IdP speaks plain http. */
  readonly host?: string;
  /** Folder for `idp-keys.json` (created once, mode 0600, then reused); null keeps generated keys in memory. */
  readonly keysDir: string | null;
  readonly clients: IdpClients;
  /** Defaults to {@link defaultDemoUsers}. */
  readonly users?: readonly DemoUser[];
  /**
   * How users sign in on the stage this stands in for. `hosted` (default):
   * the web client has the code flow on this IdP's login page. `branded`:
   * it has no OAuth flow at all, so `/oauth2/authorize` refuses it and the
   * only sign-in is the Cognito API's custom challenge (password, then the
   * emailed code); needs the `cognito` profile.
   */
  readonly loginMode?: LoginMode;
  /** Which provider this plays; see {@link IdpProfile}. Default `cognito`, what a stage deploys. */
  readonly profile?: IdpProfile;
  /**
   * `oidc` profile: the web client's `backchannel_logout_uri` (the BFF's
   * `<edge>/auth/backchannel-logout`), with `backchannel_logout_session_required`.
   * Loopback only. Refused in the `cognito` profile: Cognito sends none.
   */
  readonly backchannelLogoutUri?: string;
  /**
   * The identity declaration the IdP follows (token lifetimes, rotation,
   * scopes, OAuth flows per login mode). Default: the one every stage
   * deploys (`@spa-bff/core/infra`); a test passes a changed copy to show
   * the IdP follows it. There is no other way to change a lifetime.
   */
  readonly identity?: IdentityDeclaration;
  /** Epoch milliseconds for the Cognito API and its triggers' codes; injectable for tests. */
  readonly now?: () => number;
  /**
   * Also serve the local Cognito user-pool API (`cognito-idp`) at `POST /`,
   * for the BFF's `CognitoIdentityProviderClient` with `endpoint: idp.issuer`.
   * Its tokens are signed with this IdP's key, so its JWKS verifies them.
   */
  readonly cognito?: IdpCognitoOptions;
}

/** The user pool the local Cognito API serves. */
export interface IdpCognitoOptions {
  /** `<region>_<id>`, e.g. `eu-west-1_Local1`; the region is the one the SDK client must use. */
  readonly userPoolId: string;
  readonly clients: readonly CognitoClientSettings[];
  /**
   * The pool's triggers. Default: the product's Define/Create/Verify from
   * `@spa-bff/auth-challenge`, in process, with codes to this IdP's mailbox,
   * and no Pre Token Generation trigger.
   */
  readonly triggers?: CognitoTriggers;
  /** SigV4 credentials for `AdminUserGlobalSignOut`; without them it is always refused. */
  readonly iam?: CognitoIamOptions;
  /** For the pool's ARN. Default `000000000000`. */
  readonly accountId?: string;
}

/** A running local IdP. */
export interface LocalIdp {
  /** `http://<host>:<port>`; discovery is at `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly port: number;
  readonly users: DemoUser[];
  readonly profile: IdpProfile;
  readonly loginMode: LoginMode;
  /**
   * Where the second factor's codes go: `mailbox.latest("carol")?.code`,
   * also shown at `<issuer>/dev/mailbox`. Silent unless someone subscribes
   * with `mailbox.onMessage` (the `npm start` CLI does).
   */
  readonly mailbox: LocalMailbox;
  /** The local Cognito API when started with `cognito`: its counters (`cognito.counters.refreshes`, …) are for tests. */
  readonly cognito: LocalCognito | undefined;
  /** The logout tokens sent so far and their outcome (`oidc` profile; always none in the `cognito` profile). */
  readonly backchannelLogouts: BackchannelLogouts;
  /**
   * A stored refresh token's times in epoch seconds, or `undefined` when it
   * is unknown, spent or revoked; for tests (refresh tokens are opaque).
   */
  inspectRefreshToken(value: string): Promise<{ issuedAt: number; expiresAt: number } | undefined>;
  /** Closes the listener (and open connections) but keeps every grant, session and refresh token in memory. */
  stop(): Promise<void>;
  /** Listens again on the same port, with the same provider and state. */
  start(): Promise<void>;
  /** Successful token-endpoint calls so far for a grant type, e.g. "refresh_token". */
  grantCount(grantType: string): number;
  /** Called after each successful token-endpoint call with its grant type. */
  on(event: "grant", listener: (grantType: string) => void): void;
  off(event: "grant", listener: (grantType: string) => void): void;
  /**
   * For tests: holds the next `count` token requests of `grantType`
   * (default 1) at the token endpoint, and with `refresh_token` the local
   * Cognito API's refreshes too, so a test can freeze a client in the
   * middle of its refresh. `before`: held before the IdP sees the request;
   * released, it is processed, or refused with `reject` unprocessed, or
   * dropped unprocessed if its client has gone. `after`: processed (the
   * refresh token rotates), its answer held; released, it is sent, or lost
   * if the client has gone. Other requests pass as usual; with no hold,
   * nothing changes. There is no HTTP route to this.
   *
   * @example
   * const hold = idp.holdTokenRequests({ grantType: "refresh_token", phase: "after" });
   * const refresh = bffRequest(); // a request that makes the BFF refresh
   * await hold.held; // the IdP has rotated the refresh token; the answer waits
   * hold.release();
   */
  holdTokenRequests(options: HoldTokenRequestsOptions): HeldTokenRequests;
}

async function assertClientValid(provider: Provider, clientId: string): Promise<void> {
  let found: unknown;
  try {
    found = await provider.Client.find(clientId);
  } catch (error) {
    const description = (error as { error_description?: unknown }).error_description;
    throw new ConfigError(`Invalid local IdP client "${clientId}": ${typeof description === "string" ? description : "rejected"}`, {
      cause: error,
    });
  }
  if (!found) throw new ConfigError(`Invalid local IdP client "${clientId}": not registered`);
}

function issuerFor(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** Checks the options that only make sense together; throws one `ConfigError` naming the problem. */
function checkOptions(profile: IdpProfile, loginMode: LoginMode, backchannelLogoutUri: string | undefined): void {
  if (profile === "oidc" && loginMode === "branded") {
    throw new ConfigError('Invalid local IdP options: loginMode "branded" needs profile "cognito" (it is Cognito\'s custom challenge)');
  }
  if (backchannelLogoutUri === undefined) return;
  if (profile !== "oidc") {
    throw new ConfigError('Invalid local IdP options: backchannelLogoutUri needs profile "oidc" (Cognito sends no back-channel logout)');
  }
  if (!URL.canParse(backchannelLogoutUri) || !isLoopbackUrl(backchannelLogoutUri)) {
    throw new ConfigError(`Invalid local IdP backchannelLogoutUri "${backchannelLogoutUri}". Expected: a loopback http(s) URL`);
  }
}

/**
 * Starts the local OpenID Provider (oidc-provider) that stands in for the
 * Cognito user pool (or, with `profile: "oidc"`, a generic OpenID Provider):
 * discovery, JWKS, code flow with PKCE, refresh-token rotation, revocation,
 * client credentials and a server-rendered login page for the demo users,
 * with every lifetime, scope and flow from the identity declaration. The
 * `cognito` profile serves Cognito's `/logout`; the `oidc` profile serves
 * RP-initiated logout and sends OIDC back-channel logout tokens.
 *
 * @example
 * const idp = await startIdp({
 *   port: 3001,
 *   keysDir: ".local",
 *   loginMode: "hosted",
 *   clients: {
 *     web: { clientId: "local-web", clientSecret, redirectUris: ["http://localhost:3000/auth/callback"], postLogoutRedirectUris: ["http://localhost:3000/"] },
 *     m2m: { clientId: "local-m2m", clientSecret: m2mSecret },
 *   },
 * });
 * console.log(idp.issuer); // http://127.0.0.1:3001
 */
export async function startIdp(options: StartIdpOptions): Promise<LocalIdp> {
  const host = options.host ?? "127.0.0.1";
  const profile = options.profile ?? "cognito";
  const loginMode = options.loginMode ?? "hosted";
  checkOptions(profile, loginMode, options.backchannelLogoutUri);
  if (!isLoopbackUrl(issuerFor(host, 1))) {
    throw new ConfigError(`Invalid local IdP host "${host}". Expected: a loopback address, since the local IdP serves plain http`);
  }
  const users = [...(options.users ?? defaultDemoUsers())];
  const keys = await loadOrCreateIdpKeys(options.keysDir);
  const logger = createLogger("local-idp");
  const grants = new Map<string, number>();
  const events = new EventEmitter();
  const holds = createTokenHolds();
  const accountGrants = createAccountGrants();
  const logoutRecorder = createBackchannelLogoutRecorder();

  let handler: RequestListener | undefined;
  const server = createServer((req, res) => {
    if (handler) {
      handler(req, res);
      return;
    }
    res.writeHead(503, pageHeaders()).end(renderErrorPage("temporarily_unavailable", "The identity provider is starting."));
  });
  // The issuer contains the port, which port 0 only fixes once listening.
  const port = await listen(server, options.port, host, "Local IdP");
  const issuer = issuerFor(host, port);

  const mailbox = createLocalMailbox(options.now);
  const triggers =
    options.cognito?.triggers ?? createAuthChallengeTriggers({ sender: mailbox, logger, ...(options.now ? { now: options.now } : {}) });
  let provider: Provider;
  let cognito: LocalCognito | undefined;
  try {
    provider = new Provider(
      issuer,
      createProviderConfiguration({
        clients: options.clients,
        users,
        keys,
        identity: options.identity ?? declaredIdentity,
        loginMode,
        profile,
        ...(options.backchannelLogoutUri ? { backchannelLogoutUri: options.backchannelLogoutUri } : {}),
        onGrantSaved: accountGrants.record,
        outgoingFetch: logoutRecorder.fetch,
      }),
    );
    // oidc-provider checks static clients on first use; check them now so a bad redirect URI fails the start.
    for (const { clientId } of [options.clients.web, options.clients.m2m]) await assertClientValid(provider, clientId);
    if (options.cognito) {
      cognito = createLocalCognito({
        userPoolId: options.cognito.userPoolId,
        clients: options.cognito.clients,
        users,
        keys,
        issuer,
        triggers,
        holds,
        // Cognito's global sign-out ends the hosted sign-in's refresh tokens too.
        signOutElsewhere: async (sub) => {
          const ended = await accountGrants.endAll(provider, sub);
          if (ended > 0) logger.info("code-flow grants ended by global sign-out", { event: "idp_grants_ended", sub, grants: ended });
        },
        ...(options.cognito.iam ? { iam: options.cognito.iam } : {}),
        ...(options.cognito.accountId ? { accountId: options.cognito.accountId } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
    }
  } catch (error) {
    // A rejected configuration (say, a bad redirect URI) must not leave the port taken.
    await close(server);
    throw error;
  }
  // Requests come straight from the browser or the BFF; X-Forwarded-* must not be trusted.
  provider.proxy = false;
  provider.on("grant.success", (ctx) => {
    const grantType = String(ctx.oidc.params.grant_type);
    grants.set(grantType, (grants.get(grantType) ?? 0) + 1);
    events.emit("grant", grantType);
  });
  provider.on("server_error", (_ctx, error) => {
    // Server errors come from code, not from request data, so their message is safe to log.
    logger.error("identity provider error", { event: "idp_server_error", errorName: error.name, errorMessage: error.message });
  });

  const backchannelLogouts = logoutRecorder.attach(provider);
  // First, so a held request is held before anything else of oidc-provider runs.
  provider.use(createTokenEndpointHolds(holds, idpRoutes.token));
  if (profile === "cognito") {
    const web = options.clients.web;
    provider.use(createCognitoDiscovery());
    provider.use(
      createCognitoLogout({
        provider,
        issuer,
        clients: new Map([[web.clientId, { logoutUris: web.postLogoutRedirectUris, redirectUris: web.redirectUris }]]),
        sessionCookie: sessionCookieOptions,
        logger,
      }),
    );
  }

  const interactions = createInteractionRoutes({
    provider,
    users,
    clientNames: { [options.clients.web.clientId]: webClientName },
    logger,
    onGrantSaved: accountGrants.record,
  });
  const mailboxPage = createMailboxRoute({ issuer, mailbox });
  const oidc = provider.callback();
  handler = (req, res) => {
    if (mailboxPage(req, res)) return;
    // The Cognito API answers only POST / with its X-Amz-Target; everything else goes on to the pages and oidc-provider.
    (cognito ? cognito.handle(req, res) : Promise.resolve(false))
      .then((handled) => handled || interactions(req, res))
      .then(
        (handled) => {
          if (!handled) oidc(req, res);
        },
        () => res.destroy(),
      );
  };

  return {
    issuer,
    port,
    users,
    profile,
    loginMode,
    mailbox,
    cognito,
    backchannelLogouts,
    inspectRefreshToken: async (value) => {
      const token = await provider.RefreshToken.find(value).catch(() => undefined);
      return token && !token.consumed ? { issuedAt: token.iat, expiresAt: token.exp } : undefined;
    },
    stop: () => close(server),
    start: async () => {
      if (!server.listening) await listen(server, port, host, "Local IdP");
    },
    grantCount: (grantType) => grants.get(grantType) ?? 0,
    on: (_event, listener) => {
      events.on("grant", listener);
    },
    off: (_event, listener) => {
      events.off("grant", listener);
    },
    holdTokenRequests: (holdOptions) => holds.hold(holdOptions),
  };
}
