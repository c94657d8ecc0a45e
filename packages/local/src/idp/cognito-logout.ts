import type { Logger } from "@spa-bff/core";
import type Provider from "oidc-provider";
import type { KoaContext, KoaMiddleware } from "oidc-provider";
import { pageHeaders, renderErrorPage } from "./pages.ts";
import { idpRoutes } from "./provider-config.ts";

/** The hosted domain's sign-out endpoint and the page its refusals land on. */
export const cognitoLogoutPath = "/logout";
export const cognitoErrorPath = "/error";

/** What `/logout` checks a request against, per app client. */
export interface LogoutClient {
  /** Cognito's "Allowed sign-out URLs" (`LogoutURLs`): the only `logout_uri` values it redirects to. */
  readonly logoutUris: readonly string[];
  /** Cognito's "Allowed callback URLs": where a `redirect_uri` sign-out may send the user to sign in again. */
  readonly redirectUris: readonly string[];
}

export interface CognitoLogoutOptions {
  readonly provider: Provider;
  readonly issuer: string;
  readonly clients: ReadonlyMap<string, LogoutClient>;
  /** The options the session cookie was set with, so clearing it matches (oidc-provider's `cookies.long`). */
  readonly sessionCookie: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function sendPage(ctx: KoaContext, status: number, html: string): void {
  for (const [name, value] of Object.entries(pageHeaders())) ctx.set(name, value);
  ctx.status = status;
  ctx.body = html;
}

/**
 * Cognito's hosted `GET /logout`, which oidc-provider does not have: with
 * `client_id` and a registered `logout_uri` it ends the browser's IdP
 * session (no confirmation page, unlike RP-initiated logout) and redirects
 * there; with `redirect_uri` (plus the authorize parameters) it ends the
 * session and sends the browser to sign in again. It neither revokes tokens
 * nor tells any client (Cognito sends no back-channel logout): refresh
 * tokens outlive it, and the BFF revokes its own at `/oauth2/revoke`.
 *
 * Refusals, as Cognito gives them: a `logout_uri` or `redirect_uri` that is
 * not registered redirects to `/error?error=redirect_mismatch&client_id=…`
 * and leaves the session alone; a missing or unknown `client_id`, or neither
 * URI, is a 400 page. Only GET is served, as on the hosted domain.
 */
export function createCognitoLogout(options: CognitoLogoutOptions): KoaMiddleware {
  const { provider, clients, logger } = options;

  async function endSession(ctx: KoaContext): Promise<void> {
    const session = await provider.Session.get(ctx);
    if (session.accountId) {
      await session.destroy();
      logger.info("hosted session ended", { event: "idp_logout", sub: session.accountId });
    }
    ctx.cookies.set(provider.cookieName("session"), null, { ...options.sessionCookie });
  }

  function mismatch(ctx: KoaContext, clientId: string): void {
    const target = new URL(cognitoErrorPath, options.issuer);
    target.searchParams.set("error", "redirect_mismatch");
    target.searchParams.set("client_id", clientId);
    ctx.status = 302;
    ctx.redirect(target.href);
  }

  return async (ctx, next) => {
    if (ctx.path === cognitoErrorPath && (ctx.method === "GET" || ctx.method === "HEAD")) {
      const error = single(ctx.query.error) ?? "invalid_request";
      sendPage(ctx, 400, renderErrorPage(error, "An error was encountered with the requested page."));
      return;
    }
    if (ctx.path !== cognitoLogoutPath) {
      await next();
      return;
    }
    if (ctx.method !== "GET" && ctx.method !== "HEAD") {
      ctx.set("allow", "GET");
      sendPage(ctx, 405, renderErrorPage("invalid_request", "Method not allowed."));
      return;
    }
    const clientId = single(ctx.query.client_id);
    const client = clientId === undefined ? undefined : clients.get(clientId);
    if (clientId === undefined || !client) {
      sendPage(ctx, 400, renderErrorPage("invalid_request", "Required String parameter 'client_id' is invalid or not present."));
      return;
    }
    const logoutUri = single(ctx.query.logout_uri);
    const redirectUri = single(ctx.query.redirect_uri);
    if (logoutUri !== undefined) {
      if (!client.logoutUris.includes(logoutUri)) {
        mismatch(ctx, clientId);
        return;
      }
      await endSession(ctx);
      ctx.status = 302;
      ctx.redirect(logoutUri);
      return;
    }
    if (redirectUri !== undefined) {
      if (!client.redirectUris.includes(redirectUri)) {
        mismatch(ctx, clientId);
        return;
      }
      await endSession(ctx);
      // Sign in again: the same parameters go on to the authorization endpoint, which checks them as usual.
      ctx.status = 302;
      ctx.redirect(`${new URL(idpRoutes.authorization, options.issuer).href}?${ctx.querystring}`);
      return;
    }
    sendPage(ctx, 400, renderErrorPage("invalid_request", "Required String parameter 'redirect_uri' is not present."));
  };
}
