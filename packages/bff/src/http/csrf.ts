import { CsrfError, ErrorCodes } from "@spa-bff/core";

/**
 * JSON routes need `X-CSRF: 1`: a custom header forces a CORS preflight,
 * which a cross-site page cannot pass, so a forged form or image request
 * never reaches a route that acts with the session.
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-browser-based-apps#name-cross-site-request-forgery-
 */
export function assertCsrfHeader(headers: Record<string, string>): void {
  if (headers["x-csrf"] !== "1") throw new CsrfError();
}

/**
 * Refuses cross-site requests by Fetch Metadata and `Origin`.
 *
 * `navigation` is for GET /auth/login and /auth/callback: a top-level
 * navigation may come from anywhere (the IdP redirects back cross-site, and
 * a link on another site may start a login, which is harmless because the
 * login only sets a transaction cookie), but a cross-site subresource or
 * fetch (`Sec-Fetch-Mode` other than `navigate`) is still refused.
 */
export function assertSameSite(headers: Record<string, string>, appOrigin: string, navigation = false): void {
  const site = headers["sec-fetch-site"];
  const mode = headers["sec-fetch-mode"];
  if (navigation) {
    if (site === "cross-site" && mode !== undefined && mode !== "navigate") throw crossSite();
    return;
  }
  if (site === "cross-site") throw crossSite();
  const origin = headers.origin;
  if (origin !== undefined && origin !== appOrigin) throw crossSite();
}

function crossSite(): CsrfError {
  return new CsrfError("Cross-site requests are not allowed", { code: ErrorCodes.crossSite });
}
