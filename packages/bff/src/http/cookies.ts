/** The session cookie: `__Host-` so the browser refuses it with a Domain, without Secure or off Path=/. */
export const SESSION_COOKIE = "__Host-session";
/** Prefix of the per-login transaction cookies (one per tab/login, keyed by a hash of `state`). */
export const LOGIN_COOKIE_PREFIX = "__Host-login-";

/**
 * Parses payload 2.0 `cookies` (one `name=value` per entry) and/or a
 * `Cookie` header. The first occurrence of a name wins, as in browsers'
 * most-specific-path-first order; malformed pairs are skipped, never thrown.
 */
export function parseCookies(cookies: readonly string[] | undefined, header?: string): Map<string, string> {
  const result = new Map<string, string>();
  const pairs = [...(cookies ?? []).flatMap((entry) => entry.split(";")), ...(header ? header.split(";") : [])];
  for (const pair of pairs) {
    const index = pair.indexOf("=");
    if (index <= 0) continue;
    const name = pair.slice(0, index).trim();
    let value = pair.slice(index + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!name || result.has(name)) continue;
    result.set(name, value);
  }
  return result;
}

export interface CookieOptions {
  maxAge: number;
  sameSite?: "Lax" | "Strict";
}

const cookieValue = /^[A-Za-z0-9._~-]*$/;
const cookieName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * A `Set-Cookie` value with the attributes every BFF cookie must carry:
 * HttpOnly, Secure, Path=/ and no Domain (what the `__Host-` prefix demands).
 * Only token-safe values are accepted, so nothing needs escaping.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  if (!cookieName.test(name)) throw new TypeError('"name" must be a cookie token');
  if (!cookieValue.test(value)) throw new TypeError('"value" must be base64url or similar');
  return `${name}=${value}; Max-Age=${Math.max(0, Math.floor(options.maxAge))}; Path=/; HttpOnly; Secure; SameSite=${options.sameSite ?? "Lax"}`;
}

/** Expires a cookie at once, with the same attributes it was set with. */
export function clearCookie(name: string): string {
  return serializeCookie(name, "", { maxAge: 0 });
}
